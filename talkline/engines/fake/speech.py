"""Fake speech: text to tones and tones to text (tones.py), behind the TextToSpeech and SpeechToText
interfaces. What the fake TTS says, the fake STT hears exactly."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from talkline.audio.pcm import Pcm
from talkline.engines.base import EngineError, Segment, Transcription, Word
from talkline.engines.fake import tones
from talkline.engines.language import primary_language
from talkline.engines.multilingual import DEFAULT_VOICES
from talkline.engines.synthesis import SpeechRequestError, checked_speed

RATE = 24000
TRAILING_MS = 100
PAUSE_S = 0.3  # silence that ends a segment
WORD_GAP_S = 0.1  # silence that ends a word (tones are 15 ms apart)
LANGUAGES = frozenset((  # the ones whisper knows
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi hr ht hu hy id "
    "is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd "
    "si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo yue zh").split())
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
        if language is not None and primary_language(language) not in LANGUAGES:
            raise EngineError(f"the fake STT cannot transcribe language {language!r}", "unsupported_language")
        words = _words(tones.decode(audio))
        # as whisper gives them: each segment's text starts with its space, and the words are one space apart
        segments = tuple(Segment(part[0].start, part[-1].end, " " + " ".join(w.text for w in part), tuple(part))
                         for part in _phrases(words))
        text = "".join(segment.text for segment in segments).strip()
        detected = language or (("ko" if _HANGUL.search(text) else "en") if text else None)
        return Transcription(text=text, language=detected, duration_s=audio.duration_ms / 1000, segments=segments)


def _phrases(words: list[Word]) -> list[list[Word]]:
    """Words in segments, a new one after each pause, as a recogniser's segments follow the speaker's."""
    phrases: list[list[Word]] = []
    for word in words:
        if phrases and word.start - phrases[-1][-1].end <= PAUSE_S:
            phrases[-1].append(word)
        else:
            phrases.append([word])
    return phrases


def _printable(text: str) -> str:
    """Real speech or noise may pass for a stray tone or two: what is not text is dropped."""
    return "".join(c for c in text if c.isprintable()).strip()


def _words(heard: list[tones.HeardByte]) -> list[Word]:
    words: list[Word] = []
    current: list[tones.HeardByte] = []
    for byte in [*heard, None]:
        paused = byte is not None and bool(current) and byte.start_s - current[-1].end_s > WORD_GAP_S
        if byte is not None and byte.value != ord(" ") and not paused:
            current.append(byte)
            continue
        if current:
            text = _printable(bytes(b.value for b in current).decode("utf-8", "ignore"))
            if text:
                words.append(Word(round(current[0].start_s, 3), round(current[-1].end_s, 3), text))
        current = [byte] if paused and byte is not None and byte.value != ord(" ") else []
    return words
