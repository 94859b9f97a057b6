"""Numbers as Koreans say them: Sino-Korean (천구백구십 년, 삼월 오일, 공일공), native (두 명, 셋이요),
digits and English, and what a learner means by them: a party size, a date of birth, a phone number."""

from __future__ import annotations

import re

SINO_DIGITS = {
    "영": 0,
    "공": 0,
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "륙": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
SINO_UNITS = {"십": 10, "백": 100, "천": 1000}
SINO = "[영공일이삼사오육륙칠팔구십백천]"
NATIVE = {
    "한": 1,
    "하나": 1,
    "두": 2,
    "둘": 2,
    "세": 3,
    "셋": 3,
    "석": 3,
    "네": 4,
    "넷": 4,
    "넉": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
    "열한": 11,
    "열하나": 11,
    "열두": 12,
    "열둘": 12,
    "스무": 20,
    "스물": 20,
}
ENGLISH = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
MONTHS_EN = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
COUNTERS = {
    1: "한",
    2: "두",
    3: "세",
    4: "네",
    5: "다섯",
    6: "여섯",
    7: "일곱",
    8: "여덟",
    9: "아홉",
    10: "열",
    11: "열한",
    12: "열두",
    20: "스무",
}
ENGLISH_WORDS = {value: word for word, value in ENGLISH.items()}

_NATIVE_WORD = "|".join(sorted(NATIVE, key=len, reverse=True))
_PEOPLE = [
    re.compile(r"(\d+)\s*(?:명|사람|분|인)"),
    re.compile(rf"(?<![가-힣])({_NATIVE_WORD})\s*(?:명|사람|분)"),
    re.compile(
        r"(?<![가-힣])(둘|셋|넷|다섯|여섯|일곱|여덟|아홉)(?:이|이서|이요|이에요|입니다|요)?(?![가-힣])"
    ),
    re.compile(r"(?<![가-힣])(둘|셋|넷)이서"),
]
_ALONE = re.compile(r"혼자|just me|only me|by myself|\balone\b|\bjust one\b")
_PEOPLE_EN = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight)\s+(?:people|persons|of us|adults)\b"
    r"|\b(?:table|party) (?:for|of) (\d+|one|two|three|four|five|six|seven|eight)\b"
    r"|^\W*(one|two|three|four|five|six|seven|eight)\b(?!\s*(?:o'clock|pm|am|p\.m|a\.m|won|minutes))"
)


def sino_value(text: str) -> int | None:
    """천구백구십 → 1990, 이십일 → 21; unit-less runs read digit by digit (구육 → 96, 공일공 → 10)."""
    if not text or any(char not in SINO_DIGITS and char not in SINO_UNITS for char in text):
        return None
    if not any(char in SINO_UNITS for char in text):
        return int("".join(str(SINO_DIGITS[char]) for char in text))
    total, digit = 0, None
    for char in text:
        if char in SINO_UNITS:
            total += (digit if digit is not None else 1) * SINO_UNITS[char]
            digit = None
        else:
            digit = SINO_DIGITS[char]
    return total + (digit or 0)


def number_value(text: str) -> int | None:
    """Digits, a Sino-Korean run, a native Korean number or an English one."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    return NATIVE.get(text) or ENGLISH.get(text.lower()) or sino_value(text)


def people_count(text: str) -> int | None:
    """How many people a learner says they are; the last number said wins (셋이요, 아니 네 명이요 → 4)."""
    found: list[tuple[int, int]] = []
    lowered = text.lower()
    for pattern in _PEOPLE:
        found += [
            (match.start(), value)
            for match in pattern.finditer(text)
            if (value := number_value(match.group(1))) is not None and 0 < value < 50
        ]
    found += [(match.start(), 1) for match in _ALONE.finditer(lowered)]
    for match in _PEOPLE_EN.finditer(lowered):
        value = number_value(match.group(1) or match.group(2) or match.group(3))
        if value:
            found.append((match.start(), value))
    return max(found)[1] if found else None


def counter(count: int, language: str) -> str:
    """How the partner says a number of people: 두 (분), two."""
    if language == "en":
        return ENGLISH_WORDS.get(count, str(count))
    return COUNTERS.get(count, str(count))


# ── dates of birth ────────────────────────────────────────────────────────────────────────────

_YEAR = re.compile(rf"(\d{{2,4}}|{SINO}+)\s*년")
_MONTH = re.compile(rf"(\d{{1,2}}|유|시|{SINO}+)\s*월")
_DAY = re.compile(rf"(\d{{1,2}}|{SINO}+)\s*일(?!곱)")
_COMPACT = re.compile(
    r"(?<!\d)(\d{4}|\d{2})[.\-/ ]?(\d{1,2})[.\-/ ](\d{1,2})(?!\d)|(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)"
)


def birth_date(text: str) -> str | None:
    """A full date of birth as YYYY-MM-DD, or None when year, month and day are not all there."""
    year = _first(_YEAR, text)
    month = _first(_MONTH, text, {"유": 6, "시": 10})
    day = None
    if month is not None:
        month_end = _MONTH.search(text)
        day = _first(_DAY, text[month_end.end() :] if month_end else text)
    if None in (year, month, day):
        year, month, day = _compact_date(text) or _english_date(text) or (None, None, None)
    return _date(year, month, day)


def _first(pattern: re.Pattern[str], text: str, special: dict[str, int] | None = None) -> int | None:
    for match in pattern.finditer(text):
        word = match.group(1)
        value = (special or {}).get(word) or number_value(word)
        if value is not None:
            return value
    return None


def _compact_date(text: str) -> tuple[int, int, int] | None:
    match = _COMPACT.search(text)
    if match is None:
        return None
    parts = [part for part in match.groups() if part is not None]
    return int(parts[0]), int(parts[1]), int(parts[2])


ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]


def _english_date(text: str) -> tuple[int, int, int] | None:
    lowered = re.sub(r"twenty[- ]", "2", text.lower())
    lowered = re.sub(r"thirty[- ]first", "31", lowered)
    for number, word in enumerate(ORDINALS, 1):
        lowered = re.sub(rf"\b{word}\b", str(number), lowered)
    lowered = re.sub(r"\b2(\d)\b", lambda m: str(20 + int(m.group(1))), lowered)
    for number, name in enumerate(MONTHS_EN, 1):
        if name in lowered:
            day = re.search(
                rf"{name}\s+(\d{{1,2}})(?!\d)|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{name}", lowered
            )
            year = re.search(r"\b(19\d{2}|20\d{2})\b", lowered)
            if day and year:
                return int(year.group(1)), number, int(day.group(1) or day.group(2))
    return None


def _date(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    if year < 100:
        year += 2000 if year <= 10 else 1900
    if not (1900 <= year <= 2025 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# ── phone numbers ─────────────────────────────────────────────────────────────────────────────

_DIGIT_SYLLABLES = "영공일이삼사오육륙칠팔구"
_PHONE_RUN = re.compile(rf"[\d{_DIGIT_SYLLABLES}](?:[\d{_DIGIT_SYLLABLES}]|[\s\-.,]+|\s*(?:에|다시)\s*)*")
MIN_PHONE_DIGITS = 9


def phone_number(text: str) -> str | None:
    """The longest run of spoken or written digits (공일공 사칠팔구…, 010-1234-5678) of nine digits or more."""
    best = ""
    for match in _PHONE_RUN.finditer(text):
        run = match.group()
        following = text[match.end() : match.end() + 2]
        digits = _run_digits(run, following)
        if len(digits) > len(best):
            best = digits
    return best if len(best) >= MIN_PHONE_DIGITS else None


def _run_digits(run: str, following: str) -> str:
    characters = [char for char in run if char.isdigit() or char in _DIGIT_SYLLABLES]
    # 오사삼이요: after a consonant-final digit, 이요 / 이에요 / 이야 is the copula, not the digit 2
    if len(characters) >= 2 and characters[-1] == "이" and following[:1] in ("요", "에", "야"):
        if characters[-2] in "영공일삼육륙칠팔013678":
            characters.pop()
    return "".join(char if char.isdigit() else str(SINO_DIGITS[char]) for char in characters)
