"""The text front end of every TTS engine: what is written becomes what is said.

Text stays as written everywhere else (transcripts, `SpeechOut`, job tokens); only the voices get the
spoken form. `spoken_text` is for voices that speak any language (remote ones); `speech_runs` splits a
sentence further into one run per voice, so a Korean term inside an English answer goes to the Korean
voice. Korean pronunciation (`pronounce`) is applied by the espeak-ng engine itself, since only a voice
that reads letter by letter needs it.

    >>> spoken_text("Call 1599-0903 or visit 15990903.or.kr.")
    'Call one five nine nine, oh nine oh three or visit one five nine nine oh nine oh three dot O R dot K R.'
    >>> spoken_text("수수료는 15,000원, 3개에 3시 30분까지")
    '수수료는 만 오천 원, 세 개에 세 시 삼십 분까지'
"""

from __future__ import annotations

from dataclasses import dataclass

from talkline.engines.language import primary_language
from talkline.engines.speech_text.english import normalize_english
from talkline.engines.speech_text.korean import normalize_korean
from talkline.engines.speech_text.runs import FOREIGN_SPAN, dominant_language, host_language, split_runs

__all__ = ["SpeechRun", "host_language", "normalize", "speech_runs", "spoken_text"]


@dataclass(frozen=True, slots=True)
class SpeechRun:
    language: str
    text: str  # as it is to be said
    embedded: bool  # in another language than the sentence around it


def normalize(text: str, language: str) -> str:
    """`text` in `language` with numbers, phone numbers, addresses and units in words (Korean and English;
    other languages' voices read their own numbers)."""
    match primary_language(language):
        case "ko":
            return normalize_korean(text)
        case "en":
            return normalize_english(text)
        case _:
            return text


def spoken_text(text: str, *, language: str | None = None, fallback: str | None = None) -> str:
    """The whole of `text` as it is said, each stretch in its own language."""
    host = host_language(text, language, fallback)
    spoken = normalize(text, host)
    if primary_language(host) == "ko":
        return spoken
    return FOREIGN_SPAN.sub(lambda span: normalize(span.group(), dominant_language(span.group()) or host), spoken)


def speech_runs(text: str, *, language: str | None = None, fallback: str | None = None) -> list[SpeechRun]:
    """`text` as said, in runs of one language each, in order."""
    host = host_language(text, language, fallback)
    spoken = spoken_text(text, language=host)
    return [SpeechRun(run_language, piece, primary_language(run_language) != primary_language(host))
            for run_language, piece in split_runs(spoken, host)]
