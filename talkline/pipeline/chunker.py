"""Split streamed text into speakable pieces, for Korean and English alike.

Speech starts on the first piece, so the first one is short: a short first sentence whole, else the
sentence's opening answer word ("Yes, | the glass bottle is recyclable.", "네, | …") or its first clause
or phrase of at least `first_min_chars` (cut after a comma-like mark or a Korean connective, or before a
preposition or conjunction: "Put the plastic water bottle | in the clear PET bottle bin."), since
synthesis time grows with the text. Later pieces are whole sentences, cut at a clause boundary only when they run long.
Pieces are exact substrings: joined back together they give the original text, spacing included
(Korean spacing carries meaning and must survive for transcripts).
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "approx", "jr", "sr", "prof"}

# A sentence ends at terminal punctuation (plus closing quotes/brackets) followed by whitespace, or at a newline.
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]」』]*(?=\s)|\n+")
# Where a long sentence may be cut: after a comma-like mark, or after a Korean connective ending.
_CLAUSE_BREAK = re.compile(r"[,，、;:]\s|(?:고|며|서|면|지만|는데|은데|니까|라서|해서|하고)\s")
# an answer word with its comma is a first piece of its own: "Yes, | the glass bottle is recyclable", "네, | …"
# (the comma gives it a natural pause, and "Yes," is synthesised in a third of the whole clause's time)
_ANSWER_WORD = re.compile(r"\s*(?:yes|no|yeah|nope|sure|okay|ok|well|right|sorry|sadly|actually|unfortunately|"
                          r"네|예|아니요|아뇨|아니|응|그럼요|물론이죠|음|아|죄송해요|죄송합니다)[,，]\s", re.IGNORECASE)
# where the first piece may also be cut: before a word that opens a phrase (the word itself complete)
_PHRASE_BREAK = re.compile(r"(?<=\s)(?=(?:in|into|on|at|to|for|with|as|from|by|and|or|but|because|so|if|when|"
                           r"where|which|that|before|after|until|unless)\s)", re.IGNORECASE)
FIRST_SENTENCE_MAX_CHARS = 32  # a first sentence this short is spoken whole


class SentenceChunker:
    def __init__(self, *, first_min_chars: int = 12, max_chars: int = 140) -> None:
        self.first_min_chars = first_min_chars
        self.max_chars = max_chars
        self._buffer = ""
        self._emitted = 0

    def push(self, text: str) -> list[str]:
        """Add streamed text; return the pieces that are now complete."""
        self._buffer += text
        pieces: list[str] = []
        while (cut := self._next_cut()) is not None:
            pieces.append(self._take(cut))
        return pieces

    def flush(self) -> list[str]:
        """The remaining text, at the end of the stream."""
        rest, self._buffer = self._buffer, ""
        if not rest.strip():
            return [rest] if rest and self._emitted else []
        self._emitted += 1
        return [rest]

    def _take(self, cut: int) -> str:
        piece, self._buffer = self._buffer[:cut], self._buffer[cut:]
        # leading whitespace of the next piece belongs to the previous one
        stripped = self._buffer.lstrip()
        piece += self._buffer[: len(self._buffer) - len(stripped)]
        self._buffer = stripped
        self._emitted += 1
        return piece

    def _next_cut(self) -> int | None:
        sentence = self._sentence_end()
        if self._emitted == 0 and (sentence is None or len(self._buffer[:sentence].strip()) > FIRST_SENTENCE_MAX_CHARS):
            first = self._first_phrase(sentence)
            if first is not None:
                return first
        if sentence is not None:
            return sentence
        if len(self._buffer) < self.max_chars:
            return None
        return self._clause_cut(hard=True)

    def _sentence_end(self) -> int | None:
        for match in _SENTENCE_END.finditer(self._buffer):
            if not self._is_abbreviation(match.start()) and self._buffer[: match.end()].strip():
                return match.end()
        return None

    def _first_phrase(self, sentence_end: int | None) -> int | None:
        """The end of the first clause or phrase of the first sentence that is long enough, if it is there."""
        region = self._buffer[:sentence_end] if sentence_end is not None else self._buffer
        answer_word = _ANSWER_WORD.match(region)
        marked = [answer_word.end()] if answer_word else []
        cuts = [m.end() for m in _CLAUSE_BREAK.finditer(region)] + [m.start() for m in _PHRASE_BREAK.finditer(region)]
        cuts = [cut for cut in cuts if len(region[:cut].strip()) >= self.first_min_chars]
        cuts = [cut for cut in marked + cuts if (sentence_end is None or cut < sentence_end) and region[cut:].strip()]
        return min(cuts) if cuts else None

    def _clause_cut(self, *, hard: bool) -> int | None:
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(self._buffer) if m.end() >= 8]
        if breaks:
            return breaks[-1] if hard else breaks[0]
        if hard:
            space = self._buffer.rfind(" ", 0, self.max_chars)
            return space + 1 if space > 0 else self.max_chars
        return None

    def _is_abbreviation(self, end: int) -> bool:
        if self._buffer[end] != ".":
            return False
        word = re.search(r"([A-Za-z.]+)$", self._buffer[:end])
        if word is None:
            return False
        token = word.group(1).lower().rstrip(".")
        return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())
