from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from talkline.audio import EmptyAudio, Pcm, UnsupportedMediaType, read_wav, rms_dbfs, wav_bytes
from talkline.audio.level import SILENCE_DBFS
from tests.audio.media import make_file


def test_wav_round_trip_is_exact(speech: Pcm) -> None:
    data = wav_bytes(speech)
    assert data.startswith(b"RIFF") and data[8:12] == b"WAVE"
    assert len(data) == 44 + len(speech.data)
    assert read_wav(data) == speech


def test_read_wav_from_a_path(speech: Pcm, tmp_path: Path) -> None:
    path = tmp_path / "speech.wav"
    path.write_bytes(wav_bytes(speech))
    assert read_wav(path) == speech
    assert read_wav(str(path)) == speech


def test_read_wav_downmixes_any_sample_format(speech: Pcm) -> None:
    stereo_float = make_file(speech, "wav", "pcm_f32le", rate=speech.rate, channels=2)
    pcm = read_wav(stereo_float)
    assert pcm.rate == speech.rate
    assert np.max(np.abs(pcm.to_float32() - speech.to_float32())) <= 2 / 32768


def test_read_wav_refuses_other_files(speech: Pcm) -> None:
    with pytest.raises(UnsupportedMediaType):
        read_wav(make_file(speech, "flac", "flac", rate=speech.rate))
    with pytest.raises(EmptyAudio):
        read_wav(b"")


def sine(amplitude: float, rate: int = 16000) -> Pcm:
    t = np.arange(rate) / rate
    return Pcm.from_float32(amplitude * np.sin(2 * np.pi * 1000 * t), rate)


@pytest.mark.parametrize(("amplitude", "expected"), [(1.0, -3.01), (0.5, -9.03), (0.01, -43.01)])
def test_rms_dbfs_of_sines(amplitude: float, expected: float) -> None:
    assert rms_dbfs(sine(amplitude)) == pytest.approx(expected, abs=0.05)  # int16 rounding at low levels


def test_rms_dbfs_of_speech_is_in_the_usual_range(speech: Pcm) -> None:
    assert -35 < rms_dbfs(speech) < -8


def test_rms_dbfs_of_silence_is_a_finite_floor() -> None:
    assert rms_dbfs(Pcm.silence(100, 16000)) == SILENCE_DBFS
    assert rms_dbfs(Pcm(b"", 16000)) == SILENCE_DBFS
    assert math.isfinite(SILENCE_DBFS)
