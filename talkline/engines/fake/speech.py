"""Fake speech: text to tones and tones to text (tones.py), behind the TextToSpeech and SpeechToText
interfaces. What the fake TTS says, the fake STT hears exactly."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from talkline.audio.pcm import Pcm
from talkline.engines.base import Segment, Transcription, Word
from talkline.engines.fake import tones
from talkline.engines.multilingual import DEFAULT_VOICES
from talkline.engines.synthesis import SpeechRequestError, checked_speed

RATE = 24000
TRAILING_MS = 100
CHUNK_BYTES = 64  # bytes of text per yielded chunk: a long sentence streams in pieces, as Piper's does
_HANGUL = re.compile(r"[가-힣]")


def fake_speech(text: str, rate: int = RATE) -> Pcm:
    """What the fake TTS says for `text`, with a breath of silence after it as a speaker leaves (the user's
    side of a test, heard back by the fake STT)."""
    return tones.encode(text, rate) + Pcm.silence(TRAILING_MS, rate)


class FakeTTS:
    """`pace`: seconds spent per second of speech, as a real TTS takes time (0: at once)."""

    name = "fake"

    def __init__(self, pace: float = 0.0) -> None:
        self.pace = pace

    def voices(self) -> list[str]:
        return sorted(DEFAULT_VOICES)

    async def synthesize(self, text: str, *, voice: str | None = None, language: str | None = None,
                         speed: float = 1.0) -> AsyncIterator[Pcm]:
        checked_speed(speed)  # speech at any speed sounds the same: the tones carry the text, not the pace
        if voice is not None and voice.lower() not in DEFAULT_VOICES:
            raise SpeechRequestError(f"unknown voice {voice!r}; known voices: {', '.join(self.voices())}",
                                     "unknown_voice")
        data = text.encode("utf-8")
        for start in range(0, len(data), CHUNK_BYTES):
            pcm = tones.encode(data[start:start + CHUNK_BYTES].decode("utf-8", "ignore"), RATE)
            if self.pace:
                await asyncio.sleep(self.pace * pcm.duration_ms / 1000)
            yield pcm


class FakeSTT:
    name = "fake"

    async def transcribe(self, audio: Pcm, *, language: str | None = None, prompt: str | None = None
                         ) -> Transcription:
        heard = tones.decode(audio)
        text = _printable(bytes(byte.value for byte in heard).decode("utf-8", "ignore"))
        words = tuple(_words(heard))
        segments = (Segment(words[0].start, words[-1].end, text, words),) if words else ()
        detected = language or (("ko" if _HANGUL.search(text) else "en") if text else None)
        return Transcription(text=text, language=detected, duration_s=audio.duration_ms / 1000, segments=segments)


def _printable(text: str) -> str:
    """Real speech or noise may pass for a stray tone or two: what is not text is dropped."""
    return "".join(c for c in text if c.isprintable()).strip()


def _words(heard: list[tones.HeardByte]) -> list[Word]:
    words: list[Word] = []
    current: list[tones.HeardByte] = []
    for byte in [*heard, None]:
        if byte is not None and byte.value != ord(" "):
            current.append(byte)
            continue
        if current:
            text = bytes(b.value for b in current).decode("utf-8", "ignore")
            words.append(Word(round(current[0].start_s, 3), round(current[-1].end_s, 3), text))
        current = []
    return words
