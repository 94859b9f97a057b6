"""Taking the answer to a step out of what the learner said: the value of each slot (item, number of
people, time, name, date of birth, address, phone number, yes or no…)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from talkline.profiles.practice.catalog import common
from talkline.profiles.practice.korean import SURNAMES, given_name
from talkline.profiles.practice.matching import Hit, Utterance, reads_as_korean
from talkline.profiles.practice.matching import utterance as utterance_of
from talkline.profiles.practice.models import Language, Slot, SlotValue
from talkline.profiles.practice.morphemes import tokens
from talkline.profiles.practice.numbers import birth_date, counter, people_count, phone_number

YES, NO, DONE, OTHER = "yes", "no", "done", "other"
MANY = "+"  # between the value ids of a slot that takes several
# what makes a value not wanted: 우유 말고, 오전은 안 되고…
NEGATORS = ("말고", "빼고", "안 돼", "안돼", "안 되", "안되", "싫", "아니고", "아니라", "not ", "don't")
CONDITIONAL = re.compile(
    r"[가-힣]*면(?![가-힣])|\s[가-힣]{1,3}면(?![가-힣])"
)  # 걸어가면, 택시 타면 (not 가려면)
QUESTION_WORDS = r"얼마|어디|언제|몇|뭐|무슨|어떻게|어떤|왜|누구|혹시"
CORRECTION = re.compile(r"아니|아뇨|말고|no,|i mean")
DONE_WORDS = (
    "눌렀",
    "다 했",
    "했어요",
    "했습니다",
    "입력했",
    "됐어요",
    "됐습니다",
    "다 됐",
    "끝났",
    "완료",
    "done",
    "finished",
)
KAKAO_WORDS = ("카톡", "카카오", "아이디", "kakao", "인스타")
CONTENT_TAGS = ("NNG", "NNP", "NR", "SN", "SL", "VV", "VA", "XR", "MAG", "VX")
FREE_MIN_CONTENT = 3
NAME_STOPWORDS = {
    "저",
    "나",
    "전",
    "난",
    "이름",
    "그냥",
    "뭐",
    "네",
    "예",
    "아니",
    "여기",
    "사람",
    "학생",
    "한국",
    "북한",
    "이거",
    "제가",
    "내가",
    "저기",
    "안녕",
    "반가워",
    "반갑습니다",
    "그래",
    "좋아",
    "응",
}
NAME_ENDINGS = (
    "이라고",
    "라고",
    "입니다",
    "이에요",
    "예요",
    "이고요",
    "이구요",
    "이야",
    "이고",
    "이요",
    "고요",
    "씨",
    "님",
    "야",
    "고",
    "요",
)
_NAME_PATTERNS = [
    re.compile(r"이름은\s*[,.…]*\s*([가-힣]+|[A-Za-z]+(?: [A-Za-z]+)?)"),
    re.compile(r"(?:저는|전|나는|난)[\s.…,]+([가-힣]+)"),
    re.compile(r"(?:^|[\s,.])나\s+([가-힣]{2,4}?(?:이야|야|예요|이에요|입니다))(?=[\s,.!?]|$)"),
    re.compile(r"([가-힣]+)(?:이라고|라고)\s*(?:합니다|해요|해|함다|합네다|하고|불러|부릅니다)"),
]
# a full name said on its own: a surname and a given name (정은희 구육년…, 김영남이고…)
_BARE_NAME = re.compile(
    r"^\W*([가-힣]{3})(?:입니다|이에요|예요|이고요|이구요|이고|고요|이요|요)?(?=[\s,.]|$)"
)
_NAME_EN = re.compile(r"\b(?:my name is|i'm|i am|call me)\s+([A-Za-z]+(?: [A-Z][a-z]+)?)", re.IGNORECASE)
_BARE_NAME_EN = re.compile(r"^\W*([A-Z][a-z]+ [A-Z][a-z]+)\b")
ADDRESS_EN = re.compile(
    r"\b(?:flat|apartment|apt|building|block|street|road|avenue|[a-z]+-(?:gu|dong|ro|gil|si))\b",
    re.IGNORECASE,
)
ADDRESS_UNIT = re.compile(
    r"(?:[가-힣]+(?:시|도|구|군|동|읍|면|리|로|길|번지|아파트|빌라|단지|호|층)|\d+(?:-\d+)?(?:동|호|번지|층)?|다시)$"
)
ADDRESS_MAIN = re.compile(r"[가-힣]+(?:시|도|구|군|로|길)$")
CITIES = {
    "서울",
    "부산",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
}
TRAILING = re.compile(r"(?:입니다|입네다|임다|이에요|예요|이요|요|이고|고요|이야|야)$")
SPOKEN_NUMBER = re.compile(r"[영공일이삼사오육칠팔구십백천]+|\d+")  # 백이십삼, 오: a number said in words
ADDRESS_COUNTED = {"번지", "층", "호", "동", "단지"}  # said apart from their number (오 층, 삼백일 호)


@dataclass(frozen=True, slots=True)
class SlotAnswer:
    """A slot's value: a value id (a choice, yes/no, done, other) or what was said (name, address, number)."""

    value: str
    said: str | None = None  # the words themselves, where the value is what was said
    start: int = 0  # where in the turn a chosen value was said
    end: int = 0


def extract(
    slot: Slot,
    utterance: Utterance,
    *,
    asked_something: bool = False,
    asking: bool = False,
    social: bool = False,
) -> SlotAnswer | None:
    """The slot's value in the utterance, if the learner gave one. `asking`: the turn is a question;
    `social`: it also makes small talk or says where the learner is from. Both make a yes or no, or a
    free answer, need clearer words."""
    busy = asking or social
    match slot.kind:
        case "choice":
            return _choice(slot, utterance)
        case "yes_no":
            if slot.asking and asked_something:
                return SlotAnswer(YES)
            answer = polarity(slot, utterance, strict=busy)
            if answer == YES and slot.asking:
                return None  # "네, 있습니다" and no question yet: the partner invites it
            return SlotAnswer(answer) if answer else None
        case "done":
            said = utterance.find_any(DONE_WORDS) is not None or polarity(slot, utterance, strict=busy) == YES
            return SlotAnswer(DONE) if said else None
        case "count":
            count = people_count(utterance.text)
            return SlotAnswer(str(count)) if count else None
        case "name":
            name = person_name(utterance.text)
            return SlotAnswer(name, said=name) if name else None
        case "date":
            date = birth_date(utterance.text)
            return SlotAnswer(date, said=date) if date else None
        case "phone":
            return _contact(utterance, asking)
        case "address":
            address = street_address(utterance.text)
            return SlotAnswer(address, said=address) if address else None
        case "free":
            return _free(slot, utterance, asking, social)
    return None


def wants_to_answer(slot: Slot, utterance: Utterance) -> bool:
    """A yes with the answer still to come ("응, 알려 줄게" before the number)."""
    return slot.kind in ("phone", "yes_no") and polarity(slot, utterance) == YES


def polarity(slot: Slot, utterance: Utterance, strict: bool = False) -> str | None:
    """Yes or no, as the slot's question makes them: 괜찮아요 declines an offer but agrees to a question.
    `strict` (the turn mainly asks or says something else): only the slot's own words or a leading 네/아니요."""
    phrases = common().phrases
    if utterance.has(slot.no_words) and not strict:
        return NO
    if strict:  # the slot's own words count only outside the question (커피 좋지. 언제 만날까?)
        said = statements(utterance.text)
        if said and utterance_of(said).has(slot.yes_words):
            return YES
        return leading_word(utterance, slot)
    if utterance.has(phrases["yes_compounds"].all):
        return YES
    if utterance.has(phrases["hard_no"].all) or utterance.has(phrases["refuse"].all):
        return NO
    if utterance.has(slot.yes_words):
        return YES
    if (
        _short_or_open(slot, utterance)
        and utterance.find_any(w for w in phrases["yes"].all if len(w) > 1)
        and not _chooses_something_else(slot, utterance.text)
    ):
        return YES
    if utterance.has(phrases["soft_no"].all):
        return NO if slot.offer else YES
    return leading_word(utterance, slot)


CHOICE = re.compile(r"(\S+?)(?:으로|로)\s*(?:할게|할께|하겠|해\s*주|주세요|주십시오|할래)")
THAT_ONE = ("그걸", "이걸", "저걸", "그거", "이거", "저거", "그것", "이것", "저것")


def _chooses_something_else(slot: Slot, text: str) -> bool:
    """"카드로 할게요" to "봉투 필요하세요?" goes with something else, not yes ("그걸로 할게요" is yes)."""
    choice = CHOICE.search(text)
    return (
        choice is not None
        and not choice.group(1).startswith(THAT_ONE)
        and not utterance_of(choice.group(0)).has(slot.yes_words)
    )


def statements(text: str) -> str:
    """The sentences of the text that are not questions."""
    sentences = re.findall(r"[^.?!]+[.?!]?", text)
    return " ".join(s for s in sentences if not s.strip().endswith("?") and not re.search(QUESTION_WORDS, s))


LEADING_YES_WORDS = 3  # "네, 여기요" shows the ID; "네 그럼 등본도 한 통 떼 주세요" asks for something else


def _short_or_open(slot: Slot, utterance: Utterance) -> bool:
    """A thing that must be done (an ID shown) needs its own words in a longer turn, not a stray 네 or
    주세요 ("네 그럼 등본도 한 통 떼 주세요" asks for something else)."""
    return not slot.needs_yes or len(utterance.words) <= LEADING_YES_WORDS


def leading_word(utterance: Utterance, slot: Slot | None = None) -> str | None:
    phrases = common().phrases
    first = utterance.words[0] if utterance.words else ""
    english = utterance.english.split()
    if slot is not None and not _short_or_open(slot, utterance):
        first, english = "", []
    if first in phrases["yes"].ko or (english and english[0] in phrases["yes"].en):
        return YES
    if first in phrases["no"].ko or (english and english[0] in phrases["no"].en):
        return NO
    return None


# ── choices ───────────────────────────────────────────────────────────────────────────────────


def _choice(slot: Slot, utterance: Utterance) -> SlotAnswer | None:
    hits = _value_hits(slot.values, utterance)
    wanted = [
        (hit, value)
        for hit, value in hits
        if not _negated(utterance.text, hit, hits) and not _conditional(utterance.text, hit)
    ]
    if any(not value.generic for _, value in wanted):
        wanted = [(hit, value) for hit, value in wanted if not value.generic]
    if wanted:
        corrected = CORRECTION.search(utterance.lowered[wanted[0][0].end : wanted[-1][0].start]) is not None
        hit, value = wanted[-1] if corrected and len(wanted) > 1 else wanted[0]
        chosen = list(dict.fromkeys(value.id for _, value in wanted))
        if slot.many and not corrected and len(chosen) > 1:
            return SlotAnswer(MANY.join(chosen), start=wanted[0][0].start, end=wanted[-1][0].end)
        return SlotAnswer(value.id, start=hit.start, end=hit.end)
    if slot.offer and not hits and polarity(slot, utterance) == NO:
        return SlotAnswer(NO)
    if (
        slot.open
        and not hits
        and (utterance.has(slot.cues) or utterance.question or _short_answer(utterance.text))
    ):
        noun = _named_thing(utterance.text)
        return SlotAnswer(OTHER, said=noun) if noun and not _misheard_around(noun, utterance) else None
    return None


def _short_answer(text: str) -> bool:
    """The turn ends with a thing named on its own ("…이거 말고요. 연두부요")."""
    sentences = [s for s in re.split(r"[.?!]", text) if s.strip()]
    if not sentences or len(sentences[-1].split()) > 2:
        return False
    last_word = [token for token in tokens(sentences[-1].split()[-1]) if token.tag != "SF"]
    ends_on_a_noun = bool(last_word) and all(token.tag.startswith(("NN", "J", "VCP", "EF")) for token in last_word)
    return ends_on_a_noun and _named_thing(sentences[-1]) is not None


def _value_hits(values: tuple[SlotValue, ...], utterance: Utterance) -> list[tuple[Hit, SlotValue]]:
    """Every value said, in order, leaving out a word inside a longer one (감기 in 돌림감기)."""
    key = ("values", id(values))
    if key not in utterance.memo:
        utterance.memo[key] = _find_values(values, utterance)
    return utterance.memo[key]  # type: ignore[return-value]


def _find_values(values: tuple[SlotValue, ...], utterance: Utterance) -> list[tuple[Hit, SlotValue]]:
    hits = [
        (hit, value) for value in values for word in value.words if (hit := utterance.find(word, fuzzy=True))
    ]
    kept = [
        (hit, value)
        for hit, value in hits
        if not any(
            other.start <= hit.start and hit.end <= other.end and other.size > hit.size for other, _ in hits
        )
    ]
    return sorted(kept, key=lambda pair: pair[0].start)


def _negated(text: str, hit: Hit, hits: list[tuple[Hit, SlotValue]]) -> bool:
    following = [other.start for other, _ in hits if other.start > hit.start]
    scope = text[hit.end : min(following, default=len(text))].lower()
    return any(negator in scope for negator in NEGATORS)


def _conditional(text: str, hit: Hit) -> bool:
    """A value in an "if" clause is not a choice: 걸어가면 멀어요? 택시 타면 얼마예요?"""
    found = CONDITIONAL.match(text[hit.end :])
    return found is not None and not found.group().endswith("려면")


def _named_thing(text: str) -> str | None:
    """The first noun of a request for something not on the list (김 어디 있어요? → 김)."""
    skip = {
        "거",
        "것",
        "어디",
        "여기",
        "저기",
        "거기",
        "뭐",
        "이거",
        "저거",
        "그거",
        "혹시",
        "좀",
        "코너",
        "쪽",
        "곳",
        "데",
        "안녕",
        "감사",
        "죄송",
        "실례",
        "수고",
        "말씀",
        "부탁",
    }
    for token in tokens(text):
        if token.tag in ("NNG", "NNP") and token.form not in skip:
            return None if _garbled_noun(token.form) else token.form
    return None


def _misheard_around(noun: str, utterance: Utterance) -> bool:
    """A short noun is not judged on its own (김 어디 있어요), so it is trusted only when the words around it
    read as Korean: in 오와 디디서요 (우유 어디 있어요, misheard) 오 is no thing to look for."""
    others = [word for word in utterance.words if not word.startswith(noun)]
    return len(noun) < 3 and not all(reads_as_korean(word) for word in others)


def _garbled_noun(noun: str) -> bool:
    """샤이홉 (우유 어디 있어요, misheard): no thing to look for. Short nouns are not judged (김, 칫솔)."""
    return len(noun) >= 3 and utterance_of(noun).garbled


# ── names, contacts, addresses, free answers ───────────────────────────────────────────────────


def person_name(text: str) -> str | None:
    """The name the learner gives (저는 김은별이에요, 이름은 송미란, 리순옥이라고 함다, 정은희 구육년…)."""
    english = _NAME_EN.search(text) or _BARE_NAME_EN.search(text)
    if english:
        return english.group(1)
    for pattern in _NAME_PATTERNS:
        for match in pattern.finditer(text):
            name = _strip_name(match.group(1))
            if name is not None:
                return name
    bare = _BARE_NAME.search(text)
    if (
        bare
        and bare.group(1)[0] in SURNAMES
        and bare.group(1) not in NAME_STOPWORDS
        and not _numeric(bare.group(1))
        and not _word_with_particle(bare.group(1))
    ):
        return bare.group(1)
    return None


def _numeric(word: str) -> bool:
    """구십년, 삼월, 오일: a number with its unit, not a name."""
    return word[-1] in "년월일시분원살" or all(char in "영공일이삼사오육칠팔구십백천" for char in word[:-1])


def _word_with_particle(word: str) -> bool:
    """주말에, 이번에, 유리를: a common word with its particle, not a name (김영은 stays a name)."""
    analysed = tokens(word)
    return len(analysed) > 1 and analysed[0].tag in {"NNG", "MAG", "NR", "NP"} and analysed[1].tag[0] == "J"


def _strip_name(word: str) -> str | None:
    if re.fullmatch(r"[A-Za-z ]+", word):
        return word
    for ending in NAME_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            word = word[: -len(ending)]
            break
    if not 2 <= len(word) <= 4 or word in NAME_STOPWORDS:
        return None
    if len(word) >= 3 and word[0] not in SURNAMES:
        return None
    return word


def _contact(utterance: Utterance, asking: bool) -> SlotAnswer | None:
    number = phone_number(utterance.text)
    if number:
        return SlotAnswer(number, said=number)
    if not asking and utterance.has(KAKAO_WORDS):
        return SlotAnswer("kakao")
    return None


def street_address(text: str) -> str | None:
    """The address in the text: at least two address words, one of them a city, district or road."""
    if len(ADDRESS_EN.findall(text)) >= 2 and re.search(r"\d", text):
        return text.strip().rstrip(".")
    words = [TRAILING.sub("", word) for word in re.findall(r"[\w\-]+", text)]
    marks = [i for i, word in enumerate(words) if word in CITIES or _address_word(words, i)]
    if len(marks) < 2 or not any(words[i] in CITIES or ADDRESS_MAIN.fullmatch(words[i]) for i in marks):
        return None
    span = words[marks[0] : marks[-1] + 1]
    if any(SPOKEN_NUMBER.fullmatch(word) and not word.isdigit() for word in span):
        return " ".join(span)  # 백이십삼 다시 사 번지 오 층: read back as it was said
    return " ".join(word.replace("다시", "-") for word in span).replace(" - ", "-")


ADDRESS_PART = re.compile(r"([영공일이삼사오육칠팔구십백천]+|\d+)\s*(번지|층|호|단지)")
AMENDING = re.compile(r"아니고|아니라|말고|잠깐|아 참|아참|그리고|정정")


def corrected_address(old: str, text: str) -> tuple[str, str] | None:
    """The address with the parts the learner corrects or adds ("오 층 아니고 삼 층이에요. 삼백일 호요"):
    the new address and the parts as said, or None when the turn corrects nothing."""
    markers = list(AMENDING.finditer(text))
    if not markers:
        return None
    marker = markers[-1]
    parts = list(ADDRESS_PART.finditer(text[marker.end() :])) or list(ADDRESS_PART.finditer(text))
    if not parts:
        return None
    new = old
    for part in parts:
        number, unit = part.groups()
        said = f"{number} {unit}"
        same = re.search(rf"\S+\s*{unit}(?![가-힣])", new)
        new = new[: same.start()] + said + new[same.end() :] if same else f"{new} {said}"
    return new, " ".join(f"{p.group(1)} {p.group(2)}" for p in parts)


def _address_word(words: list[str], index: int) -> bool:
    """A word of an address: a place or unit (상계동, 5층), a unit said apart from its number (오 층), or
    a number said next to one (백이십삼 다시 사 번지)."""
    word = words[index]
    if ADDRESS_UNIT.fullmatch(word):
        return True
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if word in ADDRESS_COUNTED:
        return bool(SPOKEN_NUMBER.fullmatch(before))
    return bool(SPOKEN_NUMBER.fullmatch(word)) and (after in ADDRESS_COUNTED or "다시" in (before, after))


def _free(slot: Slot, utterance: Utterance, asking: bool, social: bool) -> SlotAnswer | None:
    """Any real answer: a recognised kind of answer, the step's cue words, or a few content words (a
    question only counts with a recognised kind of answer in it)."""
    hits = _value_hits(slot.values, utterance)
    if asking and not hits:  # "나는 뜨개질 좋아해. 너는 뭐 좋아해?": the answer is said before the question
        said = statements(utterance.text).strip()
        if not said or said == utterance.text.strip():
            return None
        return _free(slot, utterance_of(said), asking=False, social=social)
    content = [t for t in tokens(utterance.text) if t.tag in CONTENT_TAGS]
    cued = (
        bool(hits)
        or utterance.has(slot.cues)
        or any(cue in utterance.text for cue in slot.cues if len(cue) > 1)
    )
    if not cued and (social or len(content) < FREE_MIN_CONTENT):
        return None
    return SlotAnswer(hits[0][1].id if hits else "*", said=utterance.text.strip())


# ── saying a value ────────────────────────────────────────────────────────────────────────────


def say_value(slot: Slot, answer: SlotAnswer, language: Language) -> str:
    """How the partner names the value: 우유, 두 (분), 내일 오전 열 시, the name as said…"""
    if slot.kind == "count":
        return counter(int(answer.value), language)
    if MANY in answer.value:
        names = [say_value(slot, SlotAnswer(part), language) for part in answer.value.split(MANY)]
        return (" and " if language == "en" else "하고 ").join(names)
    value = _value(slot, answer.value)
    if value is not None:
        return value.ko if language == "ko" else value.en
    return answer.said or answer.value


def value_fact(slot: Slot, answer: SlotAnswer, fact: str, language: Language) -> str | None:
    """A fact of the chosen value ({item.where}), the given name of a name ({name.given})."""
    if fact == "given":
        return given_name(answer.said or answer.value)
    if MANY in answer.value:
        return None  # a fact of several things: the partner answers for all of them
    value = _value(slot, answer.value)
    facts = value.facts if value is not None else (slot.other if answer.value == OTHER else {})
    text = facts.get(fact)
    return None if text is None else text.get(language)


def _value(slot: Slot, value_id: str) -> SlotValue | None:
    return next((value for value in slot.values if value.id == value_id), None)
