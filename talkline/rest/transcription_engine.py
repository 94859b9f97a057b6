"""Timed transcription from whatever STT engine is configured.

The local Whisper engine has an accurate path with timed segments (and words) and can yield segments
as it decodes them; a plain SpeechToText (a remote service) gives its text as one segment.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from talkline.audio import Pcm
from talkline.engines.base import Segment, SpeechToText, Transcription


@runtime_checkable
class DetailedSpeechToText(Protocol):
    async def transcribe_detailed(self, audio: Pcm, *, language: str | None = None, prompt: str | None = None,
                                  word_timestamps: bool = False, greedy: bool = False) -> Transcription: ...

    def stream(self, audio: Pcm, *, language: str | None = None, prompt: str | None = None,
               word_timestamps: bool = False) -> AsyncIterator[Segment]: ...


@dataclass(frozen=True, slots=True)
class TranscriptionJob:
    audio: Pcm
    language: str | None
    prompt: str | None
    word_timestamps: bool

    @property
    def duration_s(self) -> float:
        return self.audio.samples / self.audio.rate


async def transcribe_timed(stt: SpeechToText, job: TranscriptionJob, *, greedy: bool = False) -> Transcription:
    """A transcription whose segments carry times (one segment for the whole audio at worst); `greedy`
    trades beam search for time where the engine has the choice."""
    if isinstance(stt, DetailedSpeechToText):
        return await stt.transcribe_detailed(job.audio, language=job.language, prompt=job.prompt,
                                             word_timestamps=job.word_timestamps, greedy=greedy)
    result = await stt.transcribe(job.audio, language=job.language, prompt=job.prompt)
    if result.segments or not result.text:
        return result
    return replace(result, segments=(Segment(0.0, job.duration_s, result.text),))


async def transcribe_segments(stt: SpeechToText, job: TranscriptionJob) -> AsyncGenerator[Segment, None]:
    """Segments as soon as each is decoded (all at once from an engine that cannot stream)."""
    if isinstance(stt, DetailedSpeechToText):
        async for segment in stt.stream(job.audio, language=job.language, prompt=job.prompt,
                                        word_timestamps=job.word_timestamps):
            yield segment
        return
    for segment in (await transcribe_timed(stt, job)).segments:
        yield segment
