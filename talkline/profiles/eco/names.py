"""Which items, categories and conditions a question names outright, whatever the spacing.

Korean spacing is loose (귤 껍질, 귤껍질), nouns run on into particles (귤껍질은) and compounds are
written without spaces (다쓴건전지). So Korean names are matched letter by letter with spaces
ignored, starting where a word or a Kiwi noun starts. English names are matched as whole stemmed
words ("pizza boxes" names "pizza box"). Overlaps resolve to the longest name ("고기 기름" beats
"고기", "컵라면 뚜껑" beats "컵라면"), and a one-syllable name (약, 캔, 옷) counts only as a whole
word with at most a particle after it, so 약 does not fire inside 약간.

Everything here is plain string work over tables built once per process: microseconds per
question, so a named item needs no embedding at all.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Literal

from talkline.profiles.eco import models
from talkline.profiles.eco.knowledge import KnowledgeBase, load_knowledge
from talkline.profiles.eco.text import detect_language

Kind = Literal["item", "category", "detail"]
KIND_ORDER: dict[Kind, int] = {"item": 0, "category": 1, "detail": 2}
_WORD = re.compile(r"\w", re.UNICODE)
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# what may follow a one-syllable name inside the same word
PARTICLES = frozenset("""
은 는 이 가 을 를 도 만 좀 랑 이랑 하고 은요 는요 이요 요 이야 야 이에요 예요 인데 은데 는데 이나 나 에 에서 으로 로
들 류 까지 부터 처럼 도요 만요 이지 지 이죠 죠 인가요 인가 이랑은 랑은 은데요 는데요 이면 면 으론 론
""".split())
TOPIC_PARTICLES = ("은", "는", "이", "가", "은요", "는요")
# "can" is a can only when it does not open the question and no pronoun follows ("where can I ...")
MODAL_CAN = frozenset({"i", "you", "we", "they", "he", "she", "it", "this", "these", "those", "that", "my", "be"})
NOUN_TAGS = ("NNG", "NNP", "SL", "SH", "SN", "XR")
# how people commonly misspell parts of names (loanwords above all); every name containing the
# left side is also known with each right side (스티로폼 상자 → 스치로폼 상자, 프라이팬 → 후라이팬)
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "스티로폼": ("스치로폼", "스티로품", "스티로폴", "스트로폼"), "페트": ("패트", "펫트"), "소파": ("쇼파",),
    "스프레이": ("스프래이", "스프레이"), "배터리": ("밧데리", "베터리", "바테리", "배타리"), "플라스틱": ("프라스틱", "플라스띡"),
    "매트리스": ("메트리스", "매트래스", "매트리스"), "프라이팬": ("후라이팬", "후라이 팬"), "에어컨": ("에어콘",),
    "알루미늄": ("알미늄", "알루미눔"), "스테인리스": ("스테인레스", "스텐레스"), "캐리어": ("케리어",), "카펫": ("카페트",),
    "라벨": ("래벨", "라밸"), "매니큐어": ("메니큐어", "매니큐아"), "팩": ("펙",), "텀블러": ("텀블로",),
    "티슈": ("티쓔",), "드라이기": ("드라이어",), "형광등": ("형광동", "현광등"), "건전지": ("건전기", "간전지"),
    "영수증": ("영수정",), "냉장고": ("냉장거",), "컵라면": ("컵나면",), "비닐": ("비니루",), "텔레비전": ("테레비", "텔레비젼"),
}
_PUNCTUATION = re.compile(r"[,.!?;:()\[\]\"'“”‘’/]")


@dataclass(frozen=True, slots=True)
class Mention:
    kind: Kind
    target: str  # item id, category id or detail kind
    name: str  # the listed name that matched
    start: int  # span in the question as given
    end: int
    topic: bool = False  # marked by 은/는/이/가: what the sentence is about
    particle: str = ""  # what follows the name inside its word (은, 이랑, ...)
    misspelt: bool = False  # matched through a common misspelling: say the listed name back, not the typo

    def inside(self, other: Mention) -> bool:
        return other.start <= self.start and self.end <= other.end and (self.start, self.end) != (other.start, other.end)

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class _Name:
    kind: Kind
    target: str
    name: str
    key: str  # compact letters (Korean path) or stemmed words joined by spaces (English path)
    latin: bool
    misspelt: bool = False


class NameMatcher:
    """Built once per process from the knowledge base; `find` is thread-safe and allocation-light."""

    def __init__(self, kb: KnowledgeBase) -> None:
        names: list[_Name] = []
        for item in kb:
            names += [_name("item", item.id, name, variant) for name in item.names() for variant in _spellings(name)]
        for category in kb.categories:
            names += [_name("category", category.id, name) for name in category.aliases.all()]
        for kind, terms in kb.detail_terms.items():
            names += [_name("detail", kind, term) for term in terms.all()]
        # one entry per key; a listed spelling (쇼파 is listed) wins over the same letters as a misspelling
        names = list({(name.kind, name.target, name.key): name
                      for name in sorted(names, key=lambda name: not name.misspelt) if name.key}.values())
        self._korean: dict[str, list[_Name]] = {}  # by first letter
        self._latin: dict[str, list[tuple[list[str], _Name]]] = {}  # by first stemmed word
        for name in names:
            if name.latin:
                words = name.key.split(" ")
                self._latin.setdefault(words[0], []).append((words, name))
            else:
                self._korean.setdefault(name.key[0], []).append(name)

    def find(self, text: str) -> list[Mention]:
        """Every name in `text`: items and categories without overlaps (longest first), plus conditions."""
        text = unicodedata.normalize("NFC", text)
        found = self._korean_mentions(text) + self._latin_mentions(text)
        found.sort(key=lambda m: (-(m.end - m.start), KIND_ORDER[m.kind], m.start))
        chosen: list[Mention] = []
        for mention in found:  # longest first: a name inside a longer one of any kind is dropped
            rivals = [other for other in chosen if (other.kind == "detail") == (mention.kind == "detail")]
            if any(mention.overlaps(other) for other in rivals) or any(mention.inside(other) for other in chosen):
                continue
            chosen.append(mention)
        return sorted(chosen, key=lambda m: (m.start, KIND_ORDER[m.kind]))

    def _korean_mentions(self, text: str) -> list[Mention]:
        lowered = text.lower()
        positions = [i for i, char in enumerate(lowered) if _WORD.match(char)]
        letters = "".join(lowered[i] for i in positions)
        # a name may run across spaces (귤 껍질) but not across punctuation ("휴대폰, 배터리 안 빼도 돼?")
        segment, segments = 0, []
        previous = 0
        for i in positions:
            segment += bool(_PUNCTUATION.search(lowered[previous:i]))
            segments.append(segment)
            previous = i
        word_starts = {k for k, i in enumerate(positions) if i == 0 or not _WORD.match(lowered[i - 1])}
        noun_starts = word_starts | _noun_starts(text, positions)
        mentions: list[Mention] = []
        for k in sorted(noun_starts):
            for name in self._korean.get(letters[k], ()):
                if not letters.startswith(name.key, k):
                    continue
                end = k + len(name.key)
                if segments[k] != segments[end - 1]:
                    continue
                rest = _rest_of_word(lowered, positions, end)
                if len(name.key) == 1 and (k not in word_starts or (rest and rest not in PARTICLES)):
                    continue
                start, stop = positions[k], positions[end - 1] + 1
                mentions.append(Mention(name.kind, name.target, name.name, start, stop, rest.startswith(TOPIC_PARTICLES),
                                        rest, name.misspelt))
        return mentions

    def _latin_mentions(self, text: str) -> list[Mention]:
        words = [(m.start(), m.end(), models.stem(m.group())) for m in _LATIN_WORD.finditer(text.lower())]
        if not words:
            return []
        stems = [stem for _, _, stem in words]
        mentions: list[Mention] = []
        for i, first in enumerate(stems):
            if first == "can" and (i == 0 or (i + 1 < len(stems) and stems[i + 1] in MODAL_CAN)):
                continue
            for parts, name in self._latin.get(first, ()):
                if stems[i:i + len(parts)] == parts:
                    last = words[i + len(parts) - 1]
                    mentions.append(Mention(name.kind, name.target, name.name, words[i][0], last[1]))
        return mentions


_shared_lock = threading.Lock()


@functools.cache
def _build_shared() -> NameMatcher:
    return NameMatcher(load_knowledge())


def shared_matcher() -> NameMatcher:
    """The process-wide matcher over the bundled knowledge base."""
    with _shared_lock:
        return _build_shared()


def _name(kind: Kind, target: str, name: str, spelled: str | None = None) -> _Name:
    """A listed name, keyed by itself or by one of its common misspellings (`spelled`)."""
    lowered = unicodedata.normalize("NFC", spelled or name).lower()
    misspelt = spelled is not None and spelled != name
    if detect_language(lowered) == "en" and not re.search(r"[·]", lowered):
        stems = [models.stem(word) for word in _LATIN_WORD.findall(lowered.replace("-", " "))]
        return _Name(kind, target, name, " ".join(stems), True, misspelt)
    return _Name(kind, target, name, "".join(char for char in lowered if _WORD.match(char)), False, misspelt)


def _spellings(name: str) -> list[str]:
    """The name as listed and as commonly misspelt."""
    variants = [name]
    for right, wrongs in MISSPELLINGS.items():
        if right in name:
            variants += [name.replace(right, wrong) for wrong in wrongs]
    return variants


def _rest_of_word(lowered: str, positions: list[int], end: int) -> str:
    """The letters after a match up to the end of its word (the particle, if any)."""
    if end >= len(positions):
        return ""
    start = positions[end]
    if start > 0 and not _WORD.match(lowered[start - 1]):
        return ""  # the match ended its word
    stop = start
    while stop < len(lowered) and _WORD.match(lowered[stop]):
        stop += 1
    return lowered[start:stop]


def _noun_starts(text: str, positions: list[int]) -> set[int]:
    """Letter indices where Kiwi starts a noun inside a word (다쓴건전지 → 건전지)."""
    index_of = {i: k for k, i in enumerate(positions)}
    starts: set[int] = set()
    for token in models.tokenize(text):
        if token.tag.startswith(NOUN_TAGS) and token.start in index_of:
            starts.add(index_of[token.start])
    return starts
