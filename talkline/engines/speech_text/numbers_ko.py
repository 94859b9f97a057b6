"""Korean number words: Sino-Korean (일, 이, 삼 … 만 오천) and native (하나/한, 둘/두 … 아흔아홉)."""

from __future__ import annotations

import re

from num2words import num2words

SINO_DIGITS = "영일이삼사오육칠팔구"
PHONE_DIGITS = "공일이삼사오육칠팔구"  # 0 is 공 in phone numbers and codes
_NATIVE_UNITS = ("", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉")
_NATIVE_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")
# before a counter: 한 개, 두 명, 세 시, 네 살, 스무 살
_ATTRIBUTIVE = {"하나": "한", "둘": "두", "셋": "세", "넷": "네"}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000, "조": 1_000_000_000_000}
_SMALL_UNITS = {"천": 1000, "백": 100, "십": 10}
_MIXED_PART = re.compile(r"(\d[\d,]*)?\s?([조억만천백십])")


def sino(number: int) -> str:
    """15000 -> '만 오천', 1599 -> '천오백구십구', 0 -> '영'."""
    if number < 0:
        return "마이너스 " + sino(-number)
    return str(num2words(number, lang="ko"))


def sino_decimal(written: str) -> str:
    """'2.5' -> '이 점 오', '15,000' -> '만 오천': the digits after the point are read one by one."""
    whole, _, fraction = written.replace(",", "").partition(".")
    spoken = sino(int(whole or "0"))
    if fraction:
        spoken += " 점 " + "".join(SINO_DIGITS[int(digit)] for digit in fraction)
    return spoken


def native(number: int, *, before_counter: bool = True) -> str:
    """3 -> '세' (before a counter) or '셋'; 20 -> '스무'; 21 -> '스물한'. From 100 on, Sino-Korean."""
    if not 0 < number < 100:
        return sino(number)
    tens, units = divmod(number, 10)
    unit = _NATIVE_UNITS[units]
    if before_counter:
        if units == 0 and tens == 2:
            return "스무"
        unit = _ATTRIBUTIVE.get(unit, unit)
    return _NATIVE_TENS[tens] + unit


def digits(written: str) -> str:
    """'0903' -> '공구공삼': each digit by name, as phone numbers and codes are read."""
    return "".join(PHONE_DIGITS[int(char)] for char in written if char.isdigit())


def mixed_value(written: str) -> int:
    """The value of a number written with Korean units: '1만 5천' -> 15000, '1억 2천만' -> 120000000."""
    total = section = 0
    matched_until = 0
    for match in _MIXED_PART.finditer(written):
        amount = int(match.group(1).replace(",", "")) if match.group(1) else None
        unit = match.group(2)
        if unit in _SMALL_UNITS:
            section += (1 if amount is None else amount) * _SMALL_UNITS[unit]
        else:
            section += amount or 0
            total += (section or 1) * _BIG_UNITS[unit]
            section = 0
        matched_until = match.end()
    rest = written[matched_until:].strip().replace(",", "")
    return total + section + (int(rest) if rest.isdigit() else 0)
