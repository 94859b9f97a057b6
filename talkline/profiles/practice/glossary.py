"""North Korean words and their South Korean equivalents, and finding them in what the user said."""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field

# A word counts only where a word starts: 방조 in 방조제 (a sea wall) or 일없 in 할일없이 is not a North Korean word.
WORD_START = r"(?<![가-힣])"


class GlossaryEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    north: str
    south: str
    english: str
    topic: str
    forms: tuple[str, ...] = Field(default=(), exclude=True)  # spellings to look for; default: `north`
    note: str | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        return self.forms or (self.north,)


@functools.cache
def glossary() -> tuple[GlossaryEntry, ...]:
    raw = json.loads(files("talkline.profiles.practice").joinpath("data").joinpath("glossary.json")
                     .read_text(encoding="utf-8"))
    return tuple(GlossaryEntry.model_validate(entry) for entry in raw["entries"])


@functools.cache
def _pattern(spelling: str) -> re.Pattern[str]:
    syllables = [re.escape(ch) for ch in spelling.replace(" ", "")]
    # long compounds are often split by recognisers (꼬부랑 국수); short words split that way are other words
    joiner = r"\s?" if len(syllables) >= 4 else ""
    return re.compile(WORD_START + joiner.join(syllables))


def north_korean_words(text: str) -> list[GlossaryEntry]:
    """The glossary entries whose North Korean word appears in the text, in glossary order."""
    return [entry for entry in glossary() if any(_pattern(s).search(text) for s in entry.spellings)]
