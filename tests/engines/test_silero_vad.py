from __future__ import annotations

import asyncio

import numpy as np
import pytest

from talkline.audio import Pcm
from talkline.engines.local.silero_vad import FRAME_BYTES, SileroVAD
from tests.speech import english_speech

pytestmark = pytest.mark.e2e  # the real offline models

SPEECH = "Where can I throw away an old battery? The shop on the corner takes them."


def padded_speech() -> Pcm:
    """One second of silence, the sentence, one second of silence, at 16 kHz."""
    return Pcm.silence(1000, 16000) + english_speech(SPEECH, 16000) + Pcm.silence(1000, 16000)


def test_frames_are_32_ms(vad: SileroVAD) -> None:
    assert vad.stream().frame_ms == 32.0


async def test_finds_speech_in_speech_and_not_in_the_silence_around_it(vad: SileroVAD) -> None:
    audio = padded_speech()
    probabilities = await vad.stream().probabilities(audio.data)
    assert len(probabilities) == len(audio.data) // FRAME_BYTES
    frames_per_second = 1000 / 32
    leading = probabilities[: int(0.9 * frames_per_second)]
    trailing = probabilities[-int(0.6 * frames_per_second) :]
    middle = probabilities[int(1.2 * frames_per_second) : -int(1.5 * frames_per_second)]
    assert max(leading) < 0.2 and max(trailing) < 0.2
    assert sum(p > 0.5 for p in middle) / len(middle) > 0.8


async def test_no_speech_in_silence_or_quiet_noise(vad: SileroVAD) -> None:
    noise = Pcm.from_float32(np.random.default_rng(5).normal(0.0, 0.003, 3 * 16000), 16000)
    for audio in (Pcm.silence(3000, 16000), noise):
        probabilities = await vad.stream().probabilities(audio.data)
        assert len(probabilities) == len(audio.data) // FRAME_BYTES
        assert max(probabilities) < 0.2


@pytest.mark.parametrize("chunk_bytes", [1, 7, 333, 1023, 1025, 3000])
async def test_odd_chunk_sizes_score_the_same_frames(vad: SileroVAD, chunk_bytes: int) -> None:
    audio = padded_speech().data[: 150 * FRAME_BYTES + 511]
    whole = await vad.stream().probabilities(audio)
    stream = vad.stream()
    pieces: list[float] = []
    for start in range(0, len(audio), chunk_bytes):
        pieces += await stream.probabilities(audio[start : start + chunk_bytes])
    assert len(pieces) == len(whole) == 150
    assert pieces == pytest.approx(whole, abs=1e-6)


async def test_remainder_waits_for_the_next_chunk(vad: SileroVAD) -> None:
    stream = vad.stream()
    assert await stream.probabilities(bytes(FRAME_BYTES - 1)) == []
    assert len(await stream.probabilities(bytes(1))) == 1
    assert await stream.probabilities(b"") == []


async def test_streams_are_independent(vad: SileroVAD) -> None:
    speech = padded_speech().data[: 120 * FRAME_BYTES]
    silence = bytes(len(speech))
    alone_speech = await vad.stream().probabilities(speech)
    alone_silence = await vad.stream().probabilities(silence)
    first, second = vad.stream(), vad.stream()
    chunk = 10 * FRAME_BYTES
    mixed_speech: list[float] = []
    mixed_silence: list[float] = []
    for start in range(0, len(speech), chunk):
        one, two = await asyncio.gather(
            first.probabilities(speech[start : start + chunk]),
            second.probabilities(silence[start : start + chunk]),
        )
        mixed_speech += one
        mixed_silence += two
    assert mixed_speech == pytest.approx(alone_speech, abs=1e-6)
    assert mixed_silence == pytest.approx(alone_silence, abs=1e-6)


async def test_concurrent_calls_on_one_stream_keep_frame_order(vad: SileroVAD) -> None:
    audio = padded_speech().data[: 96 * FRAME_BYTES]
    whole = await vad.stream().probabilities(audio)
    stream = vad.stream()
    chunks = [audio[start : start + 8 * FRAME_BYTES] for start in range(0, len(audio), 8 * FRAME_BYTES)]
    results = await asyncio.gather(*(stream.probabilities(chunk) for chunk in chunks))
    assert [p for result in results for p in result] == pytest.approx(whole, abs=1e-6)


async def test_reset_forgets_the_remainder_and_the_state(vad: SileroVAD) -> None:
    audio = padded_speech().data
    speech_part = audio[40 * FRAME_BYTES : 80 * FRAME_BYTES]
    fresh = await vad.stream().probabilities(speech_part)
    stream = vad.stream()
    await stream.probabilities(audio[: 60 * FRAME_BYTES + 100])  # mid-speech, with a remainder
    stream.reset()
    assert await stream.probabilities(speech_part) == pytest.approx(fresh, abs=1e-6)
