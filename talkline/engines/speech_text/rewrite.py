"""Ordered find-and-say rewrites: each pattern's matches are replaced by what is said for them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Say = Callable[[re.Match[str]], str]


class Rewrite:
    __slots__ = ("pattern", "say")

    def __init__(self, pattern: str | re.Pattern[str], say: Say, flags: int = 0) -> None:
        self.pattern = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags)
        self.say = say


def rewrite(text: str, rewrites: Iterable[Rewrite]) -> str:
    """Apply each rewrite in turn; later ones see the words earlier ones wrote."""
    for step in rewrites:
        text = step.pattern.sub(step.say, text)
    return text
