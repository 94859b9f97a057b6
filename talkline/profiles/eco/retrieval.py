"""Hybrid retrieval over the knowledge base: which item (or category) is the user asking about?

Every name of every item and category (display name, synonyms, colloquial names, both languages)
is one entry, searched three ways and fused per entry; an item scores as its best entry:

- words: Kiwi morphemes (Korean) and words (English) ranked with BM25 (bm25s). The topic of a
  Korean question ("영수증은 종이로 버려도 돼?" → 영수증) counts twice, so the thing asked about
  outweighs the category the user guesses.
- letters: BM25 over jamo trigrams of the question's content words (whole words, so a misheard
  word keeps all its letters), which tolerates speech-recognition slips (페투병 ~ 페트병).
- meaning: multilingual-e5-small embeddings, which bridge languages and paraphrases.

Category entries are damped so that a named item beats a named category. `Hit.lexical` (how much
of the item's best-covered name occurs in the question) and `Hit.dense` give the absolute
confidence that the fused score, being relative, cannot (see `disposal.confidence`).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np

from talkline.profiles.eco import models
from talkline.profiles.eco.knowledge import KnowledgeBase, load_knowledge
from talkline.profiles.eco.text import detect_language, jamo_ngrams, similarity

_HANGUL_SYLLABLE = re.compile(r"[가-힣]")
SOUND_MIN_SYLLABLES = 3  # shorter words are one jamo from too many others (안녕 ~ 안경, 부산 ~ 우산)
SOUND_CANDIDATES = 8
SOUND_FLOOR = 0.8  # jamo similarity: one vowel wrong in a three-syllable word is about 0.85
SOUND_MARGIN = 0.05
PASSAGE_NAMES = 5  # an item's first names carry its meaning; longer passages cost far more to embed
WEIGHTS = {"words": 0.4, "letters": 0.3, "meaning": 0.3}
CATEGORY_DAMPING = 0.85
# e5 cosine similarities crowd into 0.75..0.95; this range is stretched to 0..1 before fusing
DENSE_FLOOR, DENSE_SPAN = 0.80, 0.14


@dataclass(frozen=True, slots=True)
class Entry:
    kind: Literal["item", "category"]
    target: str  # item id or category id
    category: str
    name: str


@dataclass(frozen=True, slots=True)
class Hit:
    kind: Literal["item", "category"]
    target: str
    category: str
    score: float  # fused, 0..1, relative to the other entries
    lexical: float  # 0..1: share of the letter trigrams of the item's best-covered name found in the question
    dense: float  # cosine similarity of the best entry
    matched: str  # the name that matched best


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    terms: list[str]  # BM25 terms, topic words repeated
    content: str  # the question without filler words and particles, for embedding and letters


def analyse(text: str) -> Query:
    words = models.content_words(text)
    terms = [term for word in words for term in ([word.term] * (2 if word.topic else 1))]
    return Query(text=text, terms=terms, content=models.content_phrase(text) or text)


class WasteIndex:
    """Built once per process (see `services.py`); `search` is thread-safe and CPU-bound."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.entries = _entries(kb)
        self._words = _bm25([models.terms(entry.name) for entry in self.entries])
        letters = [jamo_ngrams(models.letter_text(entry.name)) for entry in self.entries]
        self._letters = _bm25(letters)
        self._letter_sets = [set(grams) for grams in letters]
        # meaning: one short passage per item and language (its first names joined), not one per name:
        # a fraction of the embedding work at start; every name of an item shares what the item means
        keys = [(entry.kind, entry.target, detect_language(entry.name)) for entry in self.entries]
        names: dict[tuple[str, str, str], list[str]] = {}
        for key, entry in zip(keys, self.entries, strict=True):
            names.setdefault(key, []).append(entry.name)
        order = {key: index for index, key in enumerate(names)}
        self._vectors = models.embed_passages([", ".join(group[:PASSAGE_NAMES]) for group in names.values()])
        self._passage_of = np.array([order[key] for key in keys])
        self._damping = np.array([CATEGORY_DAMPING if e.kind == "category" else 1.0 for e in self.entries])
        self._names_of: dict[tuple[str, str], list[int]] = {}
        for index, entry in enumerate(self.entries):
            self._names_of.setdefault((entry.kind, entry.target), []).append(index)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        query = analyse(text)
        words = _relative(self._words.get_scores(query.terms)) if query.terms else np.zeros(len(self.entries))
        query_letters = jamo_ngrams(models.letter_text(query.content))
        letters = _relative(self._letters.get_scores(query_letters))
        dense = (self._vectors @ models.embed_queries([query.content])[0])[self._passage_of]
        meaning = np.clip((dense - DENSE_FLOOR) / DENSE_SPAN, 0.0, 1.0)
        fused = (WEIGHTS["words"] * words + WEIGHTS["letters"] * letters + WEIGHTS["meaning"] * meaning)
        fused *= self._damping
        return self._best_per_target(fused, dense, set(query_letters), limit)

    def sounds_like(self, text: str) -> Hit | None:
        """A content word of three or more syllables one or two jamo away from a listed name
        (페투병 → 페트병, 냉장거 → 냉장고), found without embeddings: letter trigrams pick the
        candidates, jamo similarity decides. None when no name is that close or two differ."""
        query = analyse(text)
        words = [word for word in query.content.split() if len(_HANGUL_SYLLABLE.findall(word)) >= SOUND_MIN_SYLLABLES]
        if not words:
            return None
        scores = self._letters.get_scores(jamo_ngrams(models.letter_text(" ".join(words))))
        ranked: list[tuple[float, int]] = []
        for index in np.argsort(-scores)[:SOUND_CANDIDATES]:
            name = self.entries[index].name
            if scores[index] <= 0 or len(_HANGUL_SYLLABLE.findall(name)) < SOUND_MIN_SYLLABLES:
                continue
            ranked.append((max(similarity(word, name) for word in words), int(index)))
        ranked.sort(reverse=True)
        if not ranked or ranked[0][0] < SOUND_FLOOR:
            return None
        best, index = ranked[0]
        entry = self.entries[index]
        rival = next((score for score, other in ranked[1:] if self.entries[other].category != entry.category), 0.0)
        if best - rival < SOUND_MARGIN:
            return None
        return Hit(entry.kind, entry.target, entry.category, best, best, 0.0, entry.name)

    def _best_per_target(self, fused: np.ndarray, dense: np.ndarray, query_letters: set[str],
                         limit: int) -> list[Hit]:
        hits: dict[tuple[str, str], Hit] = {}
        for index in np.argsort(-fused):
            entry = self.entries[index]
            key = (entry.kind, entry.target)
            if key in hits:
                continue
            lexical = max(self._lexical(other, query_letters) for other in self._names_of[key])
            hits[key] = Hit(entry.kind, entry.target, entry.category, float(fused[index]), lexical,
                            float(dense[index]), entry.name)
            if len(hits) == limit:
                break
        return list(hits.values())


    def _lexical(self, index: int, query_letters: set[str]) -> float:
        letters = self._letter_sets[index]
        return len(letters & query_letters) / len(letters) if letters else 0.0


def _entries(kb: KnowledgeBase) -> list[Entry]:
    entries = [Entry("category", c.id, c.id, name) for c in kb.categories for name in c.aliases.all()]
    entries += [Entry("item", item.id, item.category, name) for item in kb for name in item.names()]
    return entries


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    return index


def _relative(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


_shared_lock = threading.Lock()


@functools.cache
def _build_shared_index() -> WasteIndex:
    return WasteIndex(load_knowledge())


def shared_index() -> WasteIndex:
    """The process-wide index, built on first use (seconds: models load, every name is embedded)."""
    with _shared_lock:
        return _build_shared_index()
