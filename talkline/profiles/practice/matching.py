"""Finding phrases in what a learner said, the way a patient listener hears them.

Korean is compared by sound rather than by spelling, because learners and recognisers write it
the way it sounds: 있어요 / 이써요, 맞아요 / 마자요, 필요 없어요 / 피료업써요, 계세요 / 게세요,
김치찌개 / 김치지개, 할게요 / 할께요. Both the phrase and the utterance are reduced to the same sound
key: spaces dropped, a final consonant carried over to a following vowel (연음), ㅎ dropped before a
vowel, tense consonants made plain, ㅐ/ㅔ and ㅖ/ㅔ merged, remaining finals reduced to their seven
sounds. A phrase ending in a consonant also finds that consonant carried over (있 in 이써요). Long
phrases may also match fuzzily (a recogniser changes about one letter in four); one-syllable
phrases only as a word of their own (물, 물이요, 물은…). Fuzzy matching only ever reads a word the
partner does not know (a garbled one) as a phrase: 안녕하세요 never passes for 안녕히 계세요, nor 화장실
for 화장지, because they are words in their own right.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from talkline.profiles.practice.korean import is_syllable

NO_FINAL = "·"
INITIALS = "ᄀᄁᄂᄃᄄᄅᄆᄇᄈᄉᄊᄋᄌᄍᄎᄏᄐᄑᄒ"
VOWELS = "ᅡᅢᅣᅤᅥᅦᅧᅨᅩᅪᅫᅬᅭᅮᅯᅰᅱᅲᅳᅴᅵ"
FINALS = [""] + list("ᆨᆩᆪᆫᆬᆭᆮᆯᆰᆱᆲᆳᆴᆵᆶᆷᆸᆹᆺᆻᆼᆽᆾᆿᇀᇁᇂ")
PLAIN = str.maketrans("ᄁᄄᄈᄊᄍ", "ᄀᄃᄇᄉᄌ")
SAME_VOWEL = str.maketrans("ᅢᅤᅨᅫᅬᅴ", "ᅦᅦᅦᅰᅰᅵ")
# a final consonant before a vowel: (what stays, what moves on as the next syllable's first sound)
CARRIED = {
    "ᆨ": ("", "ᄀ"),
    "ᆩ": ("", "ᄁ"),
    "ᆪ": ("ᆨ", "ᄊ"),
    "ᆫ": ("", "ᄂ"),
    "ᆬ": ("ᆫ", "ᄌ"),
    "ᆭ": ("", "ᄂ"),
    "ᆮ": ("", "ᄃ"),
    "ᆯ": ("", "ᄅ"),
    "ᆰ": ("ᆯ", "ᄀ"),
    "ᆱ": ("ᆯ", "ᄆ"),
    "ᆲ": ("ᆯ", "ᄇ"),
    "ᆳ": ("ᆯ", "ᄊ"),
    "ᆴ": ("ᆯ", "ᄐ"),
    "ᆵ": ("ᆯ", "ᄑ"),
    "ᆶ": ("", "ᄅ"),
    "ᆷ": ("", "ᄆ"),
    "ᆸ": ("", "ᄇ"),
    "ᆹ": ("ᆸ", "ᄊ"),
    "ᆺ": ("", "ᄊ"),
    "ᆻ": ("", "ᄊ"),
    "ᆽ": ("", "ᄌ"),
    "ᆾ": ("", "ᄎ"),
    "ᆿ": ("", "ᄏ"),
    "ᇀ": ("", "ᄐ"),
    "ᇁ": ("", "ᄑ"),
    "ᇂ": ("", ""),
}
# the seven sounds a final consonant can have
FINAL_SOUND = {
    **{f: "ᆨ" for f in "ᆨᆩᆪᆰᆿ"},
    **{f: "ᆫ" for f in "ᆫᆬᆭ"},
    **{f: "ᆮ" for f in "ᆮᆺᆻᆽᆾᇀᇂ"},
    **{f: "ᆯ" for f in "ᆯᆲᆳᆴᆶ"},
    **{f: "ᆷ" for f in "ᆷᆱ"},
    **{f: "ᆸ" for f in "ᆸᆵᆹᇁ"},
    "ᆼ": "ᆼ",
}
# what may follow a one-syllable word: particles and the polite 요
SUFFIXES = (
    "",
    "요",
    "이요",
    "이에요",
    "예요",
    "에요",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "도",
    "만",
    "로",
    "으로",
    "이랑",
    "랑",
    "하고",
    "좀",
    "이면",
    "면",
    "이나",
    "나",
    "입니다",
    "이야",
    "야",
)
HANGUL_WORD = re.compile(r"[가-힣]+")
NOT_ENGLISH = re.compile(r"[^a-z0-9'+ ]+")
FUZZY_SYLLABLES = (
    2  # names of things (a slot's values, words to explain) of this many syllables may match fuzzily
)
FUZZY_SET_PHRASE = 3  # set phrases only from this many (덥네 must not be heard in 됩네까)
FILLERS = {
    "너무",
    "좀",
    "많이",
    "자꾸",
    "계속",
    "조금",
    "약간",
    "진짜",
    "정말",
    "되게",
    "엄청",
    "막",
    "그냥",
    "아주",
    "매우",
    "완전",
    "혹시",
    "지금",
    "요즘",
    "음",
    "어",
    "아",
    "저기",
    "그",
    "이제",
}
KNOWN_WORD_SCORE = -8.5  # the analyser's log score per syllable above which a word reads as real Korean


def syllables(char: str) -> tuple[str, str, str]:
    code = ord(char) - 0xAC00
    return INITIALS[code // 588], VOWELS[(code % 588) // 28], FINALS[code % 28]


def sound_key(syllable_chars: Sequence[str]) -> list[tuple[str, str, str]]:
    """Each syllable as (first sound, vowel, final sound), after the sound changes listed above."""
    parts = [list(syllables(char)) for char in syllable_chars]
    for index, (_, _, final) in enumerate(parts[:-1]):
        following = parts[index + 1]
        if final and final in CARRIED and following[0] == "ᄋ":
            stays, moves = CARRIED[final]
            parts[index][2] = stays
            if moves:
                following[0] = moves
    return [
        (first.translate(PLAIN), vowel.translate(SAME_VOWEL), FINAL_SOUND.get(final, NO_FINAL))
        for first, vowel, final in parts
    ]


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a phrase was found, in characters of the utterance's text."""

    start: int
    end: int
    phrase: str

    @property
    def size(self) -> int:
        return len(self.phrase.replace(" ", ""))


def words_key(words: Iterable[str]) -> str:
    """The sound key of words said one after another; sounds carry over only inside a word."""
    return "".join(first + vowel + final for word in words for first, vowel, final in sound_key(list(word)))


class Utterance:
    """What the learner said, prepared once for every phrase it is compared with."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = text.lower()
        hangul = [(index, char) for index, char in enumerate(text) if is_syllable(char)]
        self._where = [index for index, _ in hangul]  # utterance position of each syllable
        self.sounds = words_key(HANGUL_WORD.findall(text))
        self._word_starts = {
            3 * n for n, (index, _) in enumerate(hangul) if index == 0 or not is_syllable(text[index - 1])
        }
        self.words = HANGUL_WORD.findall(text)
        self.english = " " + " ".join(NOT_ENGLISH.sub(" ", self.lowered.replace("’", "'")).split()) + " "
        self.has_latin = any("a" <= char <= "z" for char in self.lowered)
        self.question = "?" in text
        self.memo: dict[object, object] = {}  # what callers work out once per utterance

    def find(self, phrase: str, fuzzy: bool | None = None) -> Hit | None:
        """The first place the phrase is said, if it is, or a garbled word close to it: for phrases of
        three syllables or more, and for two-syllable names of things when `fuzzy` is set."""
        compact, pattern = _compiled(phrase)
        if pattern is None:
            return self._find_english(phrase) if self.has_latin else None
        if not self.sounds:
            return None
        if len(compact) == 1:
            return self._find_word(compact)
        for match in pattern.finditer(self.sounds):
            if match.start() in self._word_starts or len(compact) >= 3:
                return self._hit(match.start() // 3, (match.end() + 2) // 3, phrase)
        if len(compact) >= (FUZZY_SYLLABLES if fuzzy else FUZZY_SET_PHRASE) and fuzzy is not False:
            found = self._find_fuzzy(phrase)
            if found is not None:
                return found
        if " " in phrase.strip() and self._without_fillers is not None:  # 목이 너무 아파요 says 목이 아파요
            inner = self._without_fillers[0].find(phrase, fuzzy)
            if inner is not None:
                where = self._without_fillers[1]
                return Hit(where[inner.start], where[inner.end - 1] + 1, phrase)
        return None

    def find_any(self, phrases: Iterable[str], fuzzy: bool | None = None) -> Hit | None:
        """The longest of the phrases that is said (the most specific), if any."""
        hits = [hit for phrase in phrases if (hit := self.find(phrase, fuzzy)) is not None]
        return max(hits, key=lambda hit: (hit.size, -hit.start), default=None)

    def has(self, phrases: Iterable[str]) -> bool:
        return any(self.find(phrase) is not None for phrase in phrases)

    @functools.cached_property
    def _without_fillers(self) -> tuple[Utterance, list[int]] | None:
        """The utterance without words that only colour it (너무, 좀, 많이…), and where each of its characters
        was in the utterance; None when it has none."""
        kept = [
            (match.start(), match.group())
            for match in re.finditer(r"\S+", self.text)
            if match.group().strip(".,?!~…") not in FILLERS
        ]
        if len(kept) == len(self.text.split()):
            return None
        text, where = "", []
        for start, word in kept:
            if text:
                text += " "
                where.append(start - 1)
            text += word
            where += range(start, start + len(word))
        return Utterance(text), where

    @functools.cached_property
    def garbled(self) -> bool:
        """Some word does not read as Korean as a whole (많이내웡요요): recognition errors, most likely."""
        return not all(reads_as_korean(word) for word in self.words if len(word) > 1)  # 다, 된: not judged

    def _unknown_starts(self, syllable_count: int, anywhere: bool) -> dict[str, list[int]]:
        """Where a phrase may be read in garbled words, by the first sound there: a stretch with a word the
        partner does not know in it (a word it knows, 화장실 or 다시, is never taken for another one, 화장지
        or 두 시), starting at a word, or `anywhere` for a long word (spaces get lost too)."""
        memo = self.memo.setdefault(("unknown starts", syllable_count, anywhere), {})
        if not memo:
            starts = range(0, len(self.sounds), 3) if anywhere else sorted(self._word_starts)
            for start in starts:
                if any(n in self._unknown_syllables for n in range(start // 3, start // 3 + syllable_count)):
                    memo.setdefault(self.sounds[start], []).append(start)  # type: ignore[union-attr]
        return memo  # type: ignore[return-value]

    def _another_word(self, first: int, last: int, key: str, distance: int) -> bool:
        """The garbled word holding syllables first…last is at least as close to another word the partner
        knows (주쎄효 is 주세요 garbled, not 주스)."""
        word_start = max(start for start in self._word_starts if start <= 3 * first) // 3
        word_end = min((start for start in self._word_starts if start > 3 * first), default=len(self.sounds)) // 3
        if last > word_end:
            return False
        whole = self.sounds[3 * word_start : 3 * word_end]
        return any(not known.startswith(key) for known in _known_near(whole, distance))

    @functools.cached_property
    def _unknown_syllables(self) -> set[int]:
        unknown, position = set(), 0
        for word in self.words:
            if not _known(word):
                unknown.update(range(position, position + len(word)))
            position += len(word)
        return unknown

    def _hit(self, first: int, last: int, phrase: str) -> Hit:
        return Hit(self._where[first], self._where[min(last, len(self._where)) - 1] + 1, phrase)

    def _find_word(self, syllable: str) -> Hit | None:
        for match in HANGUL_WORD.finditer(self.text):
            word = match.group()
            if word.startswith(syllable) and word[1:] in SUFFIXES:
                return Hit(match.start(), match.start() + 1, syllable)
        return None

    def _find_english(self, phrase: str) -> Hit | None:
        words, pattern = _english_pattern(phrase)
        match = pattern.search(self.english) if pattern else None
        if match is None:
            return None
        found = self.lowered.find(words.split()[0])
        start = max(found, 0)
        return Hit(start, start + len(words), phrase)

    def _find_fuzzy(self, phrase: str) -> Hit | None:
        """The phrase said with a sound or a syllable wrong, the way a recogniser gets one in four or five
        letters wrong: a word start, the same first sound, and at most one jamo off per three syllables
        (two from four syllables on), counting a lost or doubled syllable as off too."""
        if not self._unknown_syllables:  # every word is a known one: nothing was garbled
            return None
        key = _phrase_key(phrase)
        syllable_count = len(key) // 3
        allowed = 1 if syllable_count <= 3 else 2
        best: tuple[int, int, int] | None = None
        anywhere = syllable_count >= 3 and " " not in phrase.strip()  # 잘 있어 is not in 럭짜 있어요
        for start in self._unknown_starts(syllable_count, anywhere).get(key[0], ()):
            for size in {syllable_count - 1, syllable_count, syllable_count + 1} - {0}:
                window = self.sounds[start : start + 3 * size]
                if len(window) < 3 * size:
                    continue
                distance = Levenshtein.distance(key, window, score_cutoff=allowed + 1)
                if distance > allowed or (best is not None and distance >= best[0]):
                    continue
                if not self._another_word(start // 3, start // 3 + size, key, distance):
                    best = (distance, start // 3, start // 3 + size)
        return self._hit(best[1], best[2], phrase) if best else None


@functools.lru_cache(maxsize=16384)
def _compiled(phrase: str) -> tuple[str, re.Pattern[str] | None]:
    """The phrase's Hangul without spaces and its sound pattern (None for an English phrase)."""
    compact = "".join(HANGUL_WORD.findall(phrase))
    if not compact:
        return "", None
    return compact, _phrase_pattern(phrase) if len(compact) > 1 else re.compile("")


@functools.lru_cache(maxsize=16384)
def _phrase_key(phrase: str) -> str:
    return words_key(HANGUL_WORD.findall(phrase))


@functools.lru_cache(maxsize=8192)
def _english_pattern(phrase: str) -> tuple[str, re.Pattern[str] | None]:
    words = " ".join(NOT_ENGLISH.sub(" ", phrase.lower()).split())
    return words, re.compile(rf"(?<![\w']){re.escape(words)}(?![\w'])") if words else None


@functools.lru_cache(maxsize=8192)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = HANGUL_WORD.findall(phrase)
    key = words_key(words)
    head, (first, vowel, final) = key[:-3], key[-3:]
    if final == NO_FINAL:
        return re.compile(re.escape(head + first + vowel))
    # the final may have moved on to a following vowel (있 in 이써요), or dropped before it (좋 in 조아)
    moved = CARRIED.get(syllables(words[-1][-1])[2], ("", ""))[1].translate(PLAIN) or "ᄋ"
    return re.compile(
        re.escape(head + first + vowel) + f"(?:{re.escape(final)}|{NO_FINAL}(?={re.escape(moved)}))"
    )


@functools.lru_cache(maxsize=8192)
def reads_as_korean(word: str) -> bool:
    from talkline.profiles.practice.endings import find_endings
    from talkline.profiles.practice.morphemes import analysis_score

    if words_key([word]) in vocabulary() or find_endings(word):
        return True
    return analysis_score(word) / len(word) >= KNOWN_WORD_SCORE


@functools.lru_cache(maxsize=8192)
def _known(word: str) -> bool:
    """A word of the practice data (as written: 화장실은 holds 화장실, although it sounds 화장시른), or one the
    analyser reads as ordinary Korean (물어봐도); garbled words (암녕허새여, 커드는) score far lower."""
    known = vocabulary()
    if any(words_key([word[:size]]) in known for size in range(2, len(word) + 1)):
        return True
    from talkline.profiles.practice.endings import find_endings
    from talkline.profiles.practice.morphemes import analysis_score

    if find_endings(word):
        return True  # a northern ending (됩네까, 함다): said that way on purpose

    return analysis_score(word) / len(word) >= KNOWN_WORD_SCORE


@functools.lru_cache(maxsize=8192)
def _known_near(sounds: str, distance: int) -> tuple[str, ...]:
    """The sound keys of known words as long as `sounds`, with its first sound, at most `distance` off."""
    return tuple(
        known
        for known in _vocabulary_by_shape().get((len(sounds), sounds[:1]), ())
        if Levenshtein.distance(sounds, known, score_cutoff=distance + 1) <= distance
    )


@functools.cache
def _vocabulary_by_shape() -> dict[tuple[int, str], list[str]]:
    shapes: dict[tuple[int, str], list[str]] = {}
    for key in vocabulary():
        shapes.setdefault((len(key), key[:1]), []).append(key)
    return shapes


@functools.cache
def vocabulary() -> frozenset[str]:
    """The sound keys of every word (of two syllables or more) in the practice data."""
    from talkline.profiles.practice.catalog import common, personas, scenarios
    from talkline.profiles.practice.glossary import glossary

    texts: list[str] = []
    for phrases in common().phrases.values():
        texts += phrases.all
    for reaction in common().small_talk:
        texts += reaction.asks
    for persona in personas():
        texts += [ask for topic in persona.about for ask in topic.asks]
    for scenario in scenarios():
        texts += [ask for fact in scenario.facts for ask in fact.asks]
        texts += [spelling for term in scenario.terms for spelling in term.spellings]
        for step in scenario.steps:
            texts += [step.model.ko, step.model.ko_banmal or ""]
            for slot in step.slots:
                texts += [*slot.yes_words, *slot.no_words, *slot.cues]
                texts += [word for value in slot.values for word in (value.ko, *value.words)]
    texts += [word for entry in glossary() for word in (entry.north, entry.south)]
    words = {word for text in texts for word in HANGUL_WORD.findall(text) if len(word) >= 2}
    return frozenset(words_key([word]) for word in words)


@functools.lru_cache(maxsize=2048)
def utterance(text: str) -> Utterance:
    return Utterance(text)
