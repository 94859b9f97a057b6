"""Timed segments as SubRip (`srt`) and WebVTT (`vtt`) text, as Whisper's API writes them."""

from __future__ import annotations

from collections.abc import Sequence

from talkline.engines.base import Segment


def _timestamp(seconds: float, decimal_mark: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"


def _cue(segment: Segment, decimal_mark: str) -> str:
    timing = f"{_timestamp(segment.start, decimal_mark)} --> {_timestamp(segment.end, decimal_mark)}"
    return f"{timing}\n{segment.text.strip()}\n"


def to_srt(segments: Sequence[Segment]) -> str:
    return "\n".join(f"{number}\n{_cue(segment, ',')}" for number, segment in enumerate(segments, 1))


def to_vtt(segments: Sequence[Segment]) -> str:
    return "WEBVTT\n\n" + "\n".join(_cue(segment, ".") for segment in segments)
