"""Speech to text with faster-whisper (CTranslate2 whisper, int8 on the CPU).

Two ways to decode. The latency path (live turns) is greedy, without timestamps or conditioning on
earlier windows, and never re-decodes at higher temperatures, so its cost is predictable. The
detailed path (REST transcriptions) uses beam 5 with temperature fallback and returns timed
segments, optionally timed words, and can yield segments as they are decoded. Both decode a clip
shorter than 28 s through an encoder window cut to it (`_decode_short`), not whisper's full 30 s;
timed words and longer clips take faster-whisper's classic 30 s windows.

Beam size per language, measured on the real Korean clip (language="ko", 2-core machine): beam 1
and beam 5 both read it at CER 0.21 (4 of 19 characters); over six noisy or re-timed variants of
it, 0.20 vs 0.18 for about 20 % more decode time. English Piper speech: identical text at both.
So the latency path uses beam 1 (Settings.stt_beam_size) for every language.

Whisper invents text on silence and noise ("Thank you.", subtitle credits). Guard: faster-whisper's
bundled silero VAD must be sure of some speech first (else empty text without decoding), only the
speech regions are decoded, and segments that look invented are dropped.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from talkline.audio import Pcm
from talkline.engines.base import EngineError, Segment, Transcription, Word
from talkline.engines.language import primary_language
from talkline.engines.local.once import once_per_process
from talkline.engines.pool import InferencePool

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment as DecodedSegment

WHISPER_RATE = 16000
# the bundled silero VAD must be this sure of some speech before anything is decoded: its peak on
# loud white noise was 0.58, on short Piper words ("No.", "Okay.") 0.93 and more, the Korean clip 0.99
SPEECH_GATE = 0.7
# a segment with both a likely-silence verdict and low confidence, or a repetition loop, is invented
NO_SPEECH_PROBABILITY = 0.6
MIN_AVG_LOGPROB = -1.0
MAX_COMPRESSION_RATIO = 2.4
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# clips up to this long are decoded through a shortened encoder window (see _decode_short)
SHORT_WINDOW_MAX_S = 28.0
SHORT_WINDOW_MARGIN_S = 1.0
SHORT_WINDOW_STEP_S = 1.0
SHORT_TOKENS_PER_S = 15  # generous: fast Korean runs near 10 tokens a second
TIMESTAMP_S = 0.02
DETAILED_MIN_WINDOW_S = 8.0


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    beam_size: int = 1
    timestamps: bool = False
    word_timestamps: bool = False
    condition_on_previous_text: bool = False
    temperature_fallback: bool = False
    min_window_s: float = 0.0  # the shortened encoder window is at least this long


LATENCY = DecodeOptions()
DETAILED = DecodeOptions(
    beam_size=5, timestamps=True, condition_on_previous_text=True, temperature_fallback=True,
    min_window_s=DETAILED_MIN_WINDOW_S,
)


def thread_budget(pool_workers: int) -> tuple[int, int]:
    """(cpu_threads, num_workers) for a model shared by `pool_workers` pool threads.

    One CTranslate2 worker per pool thread lets concurrent calls run in parallel; each call gets
    its share of the cores but at least two, because a lone call on two threads finished in
    0.52 s instead of 0.83 s (3.5 s of speech) while four calls over two workers took no longer.
    """
    cpus = os.cpu_count() or 1
    workers = max(1, pool_workers)
    return min(cpus, max(2, cpus // workers)), workers


@once_per_process
def load_whisper_model(model_dir: str, cpu_threads: int, num_workers: int) -> WhisperModel:
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            model_dir, device="cpu", compute_type="int8", cpu_threads=cpu_threads, num_workers=num_workers
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise EngineError(
            f"cannot load the whisper model in {model_dir}: {error}", "model_unavailable"
        ) from error


class WhisperSTT:
    """SpeechToText over one process-wide faster-whisper model; all decoding runs in the pool."""

    def __init__(
        self,
        model: WhisperModel,
        pool: InferencePool,
        *,
        name: str = "whisper",
        latency: DecodeOptions = LATENCY,
    ) -> None:
        self.name = name
        self._model = model
        self._pool = pool
        self.latency = latency  # the options of the latency path

    @classmethod
    def load(cls, model_dir: Path, pool: InferencePool, *, beam_size: int = 1) -> WhisperSTT:
        """Blocking: loads the model (once per process) from a CTranslate2 whisper folder."""
        model = load_whisper_model(str(model_dir), *thread_budget(pool.workers))
        return cls(model, pool, name=model_dir.name, latency=DecodeOptions(beam_size=beam_size))

    def languages(self) -> list[str]:
        return list(self._model.supported_languages)

    async def transcribe(
        self, audio: Pcm, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription:
        """The latency path: text and language of one finished utterance."""
        return await self._pool.run(self._transcribe, audio, self._language(language), prompt, self.latency)

    async def transcribe_detailed(
        self,
        audio: Pcm,
        *,
        language: str | None = None,
        prompt: str | None = None,
        word_timestamps: bool = False,
        greedy: bool = False,
    ) -> Transcription:
        """The REST path: accurate decoding with timed segments (and timed words if asked); `greedy` decodes
        at beam 1, which read Piper English and the Korean clip as beam 5 does in two thirds of the time."""
        options = replace(_detailed(word_timestamps), beam_size=1) if greedy else _detailed(word_timestamps)
        return await self._pool.run(self._transcribe, audio, self._language(language), prompt, options)

    async def stream(
        self,
        audio: Pcm,
        *,
        language: str | None = None,
        prompt: str | None = None,
        word_timestamps: bool = False,
    ) -> AsyncIterator[Segment]:
        """The REST path, yielding each timed segment as soon as it is decoded."""
        options = _detailed(word_timestamps)
        segments, _ = await self._pool.run(self._decode, audio, self._language(language), prompt, options)
        while (segment := await self._pool.run(next, segments, None)) is not None:
            yield segment

    def _transcribe(
        self, audio: Pcm, language: str | None, prompt: str | None, options: DecodeOptions
    ) -> Transcription:
        segments, detected = self._decode(audio, language, prompt, options)
        decoded = tuple(segments)
        return Transcription(
            text="".join(segment.text for segment in decoded).strip(),
            language=detected,
            duration_s=audio.samples / audio.rate,
            segments=decoded if options.timestamps else (),
        )

    def _decode(
        self, audio: Pcm, language: str | None, prompt: str | None, options: DecodeOptions
    ) -> tuple[Iterator[Segment], str | None]:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        samples = _samples_16k(audio)
        if samples.size == 0 or not get_speech_timestamps(samples, VadOptions(threshold=SPEECH_GATE)):
            return iter(()), language
        if samples.size <= SHORT_WINDOW_MAX_S * WHISPER_RATE and not options.word_timestamps:
            short = self._decode_short(samples, language, prompt, options)
            if short is not None:
                return short
        decoded, info = self._model.transcribe(samples, **_decode_arguments(options, language, prompt))
        return (_segment(s) for s in decoded if not _invented(s)), info.language

    def _decode_short(self, samples: np.ndarray, language: str | None, prompt: str | None, options: DecodeOptions
                      ) -> tuple[Iterator[Segment], str | None] | None:
        """One utterance through an encoder window cut to its length instead of whisper's 30 s, or
        None where the classic decode must do it.

        CTranslate2 accepts the shorter window and the encoder's cost shrinks with it (0.2 s instead
        of 0.6 s for a 3 s question): this is what lets the transcript be ready when the silence
        timeout commits a live turn, and what keeps an uploaded clip from paying for 30 s. Without
        timestamps, whisper tends to start the sentence over in the padded silence; with them it
        marks where speech ends and we stop there. Measured on 28 Piper utterances: WER 0.04, no
        loops; the real Korean clip: CER 0.26 (full window 0.21). The detailed path (uploads) keeps
        at least 8 s: on 24 trimmed Piper questions at beam 5, a window of the clip plus 1 s read
        WER 0.084, 6 s 0.035, 8 s 0.014 (the 30 s window: 0.013), the Korean clip 0.21 at every size;
        a 19 s clip read the same (WER 0) in a 21 s window as in the classic 30 s ones. A decode that
        still runs to its length cap falls back to the full window; so does, on the detailed path, one
        that sounds unsure or loops (where the classic decode would retry at higher temperatures).
        """
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio

        model = self._model
        seconds = samples.size / WHISPER_RATE
        window_s = min(30.0, max(options.min_window_s, SHORT_WINDOW_STEP_S * np.ceil(
            (seconds + SHORT_WINDOW_MARGIN_S) / SHORT_WINDOW_STEP_S)))
        padded = np.zeros(int(window_s * WHISPER_RATE), dtype=np.float32)
        padded[: samples.size] = samples
        encoded = model.encode(model.feature_extractor(padded, padding=0)[:, : int(window_s * 100)])
        if language is None:
            language = model.model.detect_language(encoded)[0][0][0][2:-2]
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
        previous = tokenizer.encode(" " + prompt.strip()) if prompt else []
        start = model.get_prompt(tokenizer, previous, without_timestamps=False)
        cap = len(start) + int(seconds * SHORT_TOKENS_PER_S) + 16
        result = model.model.generate(encoded, [start], beam_size=options.beam_size, max_length=cap,
                                      return_scores=True, return_no_speech_prob=True, suppress_blank=True,
                                      suppress_tokens=[-1])[0]
        tokens = result.sequences_ids[0]
        spoken = _spoken_segments(tokens, tokenizer.timestamp_begin, seconds)
        said = [token for _, _, segment in spoken for token in segment]
        if not options.timestamps:  # the latency path: one segment, any phrase said over and over kept once
            said = _said_once(said)
            spoken = [(0.0, seconds, said)]
        found_end = len(said) < sum(token < tokenizer.timestamp_begin for token in tokens)  # cut at its end or a repeat
        if len(start) + len(tokens) >= cap and not found_end:  # ran to the cap: decode the classic way
            return None
        text = tokenizer.decode(said).strip()
        unsure = result.no_speech_prob > NO_SPEECH_PROBABILITY and result.scores[0] < MIN_AVG_LOGPROB
        if unsure or not any(char.isalnum() for char in text):
            return iter(()), language
        if options.temperature_fallback and (result.scores[0] < MIN_AVG_LOGPROB
                                             or get_compression_ratio(text) > MAX_COMPRESSION_RATIO):
            return None
        return iter([Segment(begin, end, " " + tokenizer.decode(segment).strip()) for begin, end, segment in spoken
                     if tokenizer.decode(segment).strip()]), language

    def _language(self, language: str | None) -> str | None:
        if language is None:
            return None
        code = primary_language(language)
        if code not in self._model.supported_languages:
            raise EngineError(f"whisper cannot transcribe language {language!r}", "unsupported_language")
        return code


def _spoken_segments(tokens: list[int], timestamp_begin: int, seconds: float
                     ) -> list[tuple[float, float, list[int]]]:
    """Timed text segments `(start_s, end_s, tokens)` up to whisper's own "speech ends here": a
    timestamp at the end of the audio, or a segment saying an earlier one again. In the silence after
    the speech the short window's timestamps run ahead of the audio and it starts the sentence over
    ("Yes. Yes.")."""
    segments: list[tuple[float, float, list[int]]] = []
    said: set[tuple[int, ...]] = set()
    segment: list[int] = []
    start = 0.0
    for token in tokens:
        if token < timestamp_begin:
            segment.append(token)
            continue
        time = (token - timestamp_begin) * TIMESTAMP_S
        if tuple(segment) in said:
            return segments
        if segment:
            said.add(tuple(segment))
            segments.append((start, min(time, seconds), segment))
            segment = []
        start = min(time, seconds)
        if segments and time >= seconds - 0.05:
            return segments
    if segment and tuple(segment) not in said:
        segments.append((start, seconds, segment))
    return segments


def _said_once(tokens: list[int]) -> list[int]:
    """One copy of text that is one phrase over and over: a lone "Yes." can come out as "Yes. Yes. Ye"."""
    for size in range(1, len(tokens) // 2 + 1):
        if tokens == (tokens[:size] * (len(tokens) // size + 1))[: len(tokens)]:  # the last copy may be cut
            return tokens[:size]
    return tokens


def _detailed(word_timestamps: bool) -> DecodeOptions:
    return replace(DETAILED, word_timestamps=word_timestamps)


def _decode_arguments(options: DecodeOptions, language: str | None, prompt: str | None) -> dict[str, Any]:
    return {
        "language": language,
        "initial_prompt": prompt or None,
        "beam_size": options.beam_size,
        "without_timestamps": not options.timestamps,
        "word_timestamps": options.word_timestamps,
        "condition_on_previous_text": options.condition_on_previous_text,
        "temperature": FALLBACK_TEMPERATURES if options.temperature_fallback else 0.0,
        "vad_filter": True,
    }


def _samples_16k(audio: Pcm) -> np.ndarray:
    if len(audio.data) % 2:
        raise EngineError("audio ends in half a sample: expected 16-bit PCM", "invalid_audio")
    samples = audio.to_float32()
    if audio.rate == WHISPER_RATE or samples.size == 0:
        return samples
    import soxr

    return soxr.resample(samples, audio.rate, WHISPER_RATE).astype(np.float32, copy=False)


def _invented(segment: DecodedSegment) -> bool:
    unsure_silence = segment.no_speech_prob > NO_SPEECH_PROBABILITY and segment.avg_logprob < MIN_AVG_LOGPROB
    wordless = not any(char.isalnum() for char in segment.text)  # e.g. ". . . ." from loud noise
    return unsure_silence or wordless or segment.compression_ratio > MAX_COMPRESSION_RATIO


def _segment(decoded: DecodedSegment) -> Segment:
    words = tuple(Word(float(word.start), float(word.end), word.word) for word in decoded.words or ())
    return Segment(float(decoded.start), float(decoded.end), decoded.text, words)
