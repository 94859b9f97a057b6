"""Korean text as it is read aloud: numbers by their counter (세 개, 만 오천 원, 세 시 삼십 분), phone
numbers digit by digit, dates, times, units and addresses in words."""

from __future__ import annotations

import re

from talkline.engines.speech_text import numbers_ko
from talkline.engines.speech_text.addresses import (
    CALLING,
    EMAIL,
    PHONE,
    SERVICE_NUMBER,
    URL,
    AddressSpeech,
    say_email,
    say_phone,
    say_url,
)
from talkline.engines.speech_text.rewrite import Rewrite, rewrite

LETTER_NAMES = dict(zip("abcdefghijklmnopqrstuvwxyz", (
    "에이", "비", "씨", "디", "이", "에프", "지", "에이치", "아이", "제이", "케이", "엘", "엠", "엔", "오", "피", "큐",
    "알", "에스", "티", "유", "브이", "더블유", "엑스", "와이", "제트"), strict=True))  # fmt: skip

# digits inside Latin codes are said in English, in Hangul: A4 에이포, 5G 파이브지, 3D 쓰리디
ENGLISH_DIGITS = ("제로", "원", "투", "쓰리", "포", "파이브", "식스", "세븐", "에잇", "나인")

ADDRESSES = AddressSpeech(
    separators={".": "점", "/": "슬래시", "-": "하이픈", "_": "언더바", ":": "콜론", "@": "골뱅이", "+": "플러스"},
    spell=lambda letters: "".join(LETTER_NAMES[char] for char in letters.lower()),
    digits=numbers_ko.digits,
    group_pause=", ",
    joined_labels={"com": "닷컴", "net": "닷넷"},
)

# counters that take native numbers (세 개, 두 명, 다섯 시); everything else takes Sino-Korean ones
NATIVE_COUNTERS = frozenset(
    "개 명 시 시간 살 번 번째 마리 권 장 잔 병 켤레 벌 채 척 그릇 송이 통 곳 군데 가지 사람 달 봉지 봉투 상자 "
    "박스 묶음 자루 판 줄 쌍 포기 알 대 배 차례 끼 칸".split()
)
SINO_COUNTERS = frozenset(
    "원 달러 유로 엔 위안 파운드 분 초 층 년 년도 월 일 주 주일 개월 개국 개소 호 호선 동 번지 회 차 위 등 점 도 세 "
    "인분 인용 인 학년 교시 쪽 페이지 단계 종 박 평 퍼센트 프로 리터 킬로그램 킬로 그램 미터 센티미터 센티 밀리리터 "
    "밀리 톤 킬로미터 분기 세대 가구".split()
)
UNITS = {
    "km": "킬로미터", "kg": "킬로그램", "㎏": "킬로그램", "mg": "밀리그램", "g": "그램", "ml": "밀리리터",
    "㎖": "밀리리터", "l": "리터", "ℓ": "리터", "cm": "센티미터", "mm": "밀리미터", "m²": "제곱미터",
    "m2": "제곱미터", "㎡": "제곱미터", "m": "미터", "℃": "도", "°c": "도", "%": "퍼센트",
}  # fmt: skip
# after 번, a number that names something (3번 출구, 1번을 누르세요) is Sino-Korean; a count is native (세 번)
_LABEL_AFTER_BEON = re.compile(
    r"\s?(?:출구|버스|게이트|홈|창구|국도|선|칸|문제|항목|트랙|채널|옵션|좌석|자리|방|을|를|으로|이에요|입니다|이고)"
)

NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
DECIMAL = rf"(?:{NUMBER})(?:\.\d+)?"
_COUNTER = "|".join(sorted(NATIVE_COUNTERS | SINO_COUNTERS, key=len, reverse=True))
_UNIT = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
_COUNTER_AHEAD = re.compile(rf"\s?(?:{_COUNTER})")
_TIME = r"(?<![\d:])(\d{1,2}):(\d\d)(?![\d:])"
# 1만 5천, 3억, 2천만: numbers written with Korean units
_MIXED = r"\d[\d,]*\s?[조억만천]+(?:\s?\d[\d,]*\s?[조억만천]+)*(?:\s?\d+(?![\d,.]))?"


def say_count(written: str, counter: str, following: str = "") -> str:
    """A number with its counter: ('3', '개') -> '세 개', ('15,000', '원') -> '만 오천 원'."""
    if "." in written:
        return f"{numbers_ko.sino_decimal(written)} {counter}"
    number = int(written.replace(",", ""))
    if counter == "월":
        return {6: "유월", 10: "시월"}.get(number, f"{numbers_ko.sino(number)} 월")
    if counter == "번째" and number == 1:
        return "첫 번째"
    if _takes_native(number, counter, following):
        return f"{numbers_ko.native(number)} {counter}"
    return f"{numbers_ko.sino(number)} {counter}"


def _takes_native(number: int, counter: str, following: str) -> bool:
    if counter not in NATIVE_COUNTERS:
        return False
    if counter == "대" and number % 10 == 0:
        return False  # 20대: one's twenties
    if counter == "번":
        return _LABEL_AFTER_BEON.match(following) is None
    return True


def _count(match: re.Match[str]) -> str:
    sign, written, counter = match.group(1), match.group(2), match.group(3)
    spoken = say_count(written, counter, match.string[match.end() :])
    return ("영하 " if counter == "도" else "마이너스 ") + spoken if sign else spoken


def _unit(match: re.Match[str]) -> str:
    sign, written, unit = match.group(1), match.group(2), UNITS[match.group(3).lower()]
    spoken = f"{numbers_ko.sino_decimal(written)} {unit}"
    return ("영하 " if unit == "도" else "마이너스 ") + spoken if sign else spoken


def _range(match: re.Match[str]) -> str:
    first, last, counter = match.group(1), match.group(2), match.group(3)
    following = match.string[match.end() :]
    if counter.lower() in UNITS:
        unit = UNITS[counter.lower()]
        return f"{numbers_ko.sino_decimal(first)} {unit}에서 {numbers_ko.sino_decimal(last)} {unit}"
    return f"{say_count(first, counter, following)}에서 {say_count(last, counter, following)}"


def _date(match: re.Match[str]) -> str:
    year, month, day = (int(group) if group else None for group in match.groups())
    if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return match.group()
    spoken = f"{numbers_ko.sino(year or 0)} 년 {say_count(str(month), '월')}"
    return spoken + (f" {numbers_ko.sino(day)} 일" if day else "")


def _time_range(match: re.Match[str]) -> str:
    first, last = _time_said(*match.group(1, 2)), _time_said(*match.group(3, 4))
    return f"{first}에서 {last}" if first and last else match.group()


def _time(match: re.Match[str]) -> str:
    return _time_said(match.group(1), match.group(2)) or match.group()


def _time_said(hour_written: str, minute_written: str) -> str | None:
    hour, minute = int(hour_written), int(minute_written)
    if hour > 24 or minute > 59:
        return None
    spoken = f"{numbers_ko.native(hour) if hour else '영'} 시"
    return spoken + (f" {numbers_ko.sino(minute)} 분" if minute else "")


def _price_per_unit(match: re.Match[str]) -> str:
    """450원/kg: 킬로그램당 사백오십 원."""
    amount, currency, unit = match.group(1), match.group(2), UNITS[match.group(3).lower()]
    return f"{unit}당 {say_count(amount, currency)}"


def _money(match: re.Match[str]) -> str:
    symbol, written = match.group(1), match.group(2)
    if symbol in ("$", "US$"):
        dollars, _, cents = written.replace(",", "").partition(".")
        spoken = f"{numbers_ko.sino(int(dollars or '0'))} 달러"
        return spoken + (f" {numbers_ko.sino(int(cents.ljust(2, '0')[:2]))} 센트" if cents.strip("0") else "")
    unit = {"₩": "원", "€": "유로", "£": "파운드", "¥": "엔"}[symbol]
    return f"{numbers_ko.sino_decimal(written)} {unit}"


def _mixed(match: re.Match[str]) -> str:
    spoken = numbers_ko.sino(numbers_ko.mixed_value(match.group(1)))
    return spoken + " " if match.string[match.end() : match.end() + 1].strip() else spoken


def _plain(match: re.Match[str]) -> str:
    written = match.group()
    if len(written) > 1 and written.startswith("0") and written.isdigit():
        return numbers_ko.digits(written)  # codes: 0903
    return numbers_ko.sino_decimal(written)


def _code(match: re.Match[str]) -> str:
    return "".join(ENGLISH_DIGITS[int(char)] if char.isdigit() else LETTER_NAMES[char.lower()]
                   for char in match.group())


def _phone(match: re.Match[str]) -> str:
    return say_phone(match.group(), ADDRESSES)


def _service_number(match: re.Match[str]) -> str:
    if CALLING.search(match.string) is None or _COUNTER_AHEAD.match(match.string, match.end()):
        return match.group()
    return numbers_ko.digits(match.group())


def _url(match: re.Match[str]) -> str:
    spoken, trailing = say_url(match.group(), ADDRESSES)
    return spoken + trailing


REWRITES = (
    Rewrite(EMAIL, lambda match: say_email(match.group(), ADDRESSES)),
    Rewrite(URL, _url),
    Rewrite(PHONE, _phone),
    Rewrite(SERVICE_NUMBER, _service_number),
    Rewrite(r"(?<![\d.])((?:19|20)\d\d)-(\d{1,2})(?:-(\d{1,2}))?(?![\d-])", _date),
    Rewrite(r"(?<![\d.])((?:19|20)\d\d)[./] ?(\d{1,2})[./] ?(\d{1,2})\.?(?!\d)", _date),
    Rewrite(rf"{_TIME}\s?[~∼〜\-–]\s?{_TIME}", _time_range),
    Rewrite(_TIME, _time),
    Rewrite(rf"(US\$|[$₩€£¥])\s?({DECIMAL})", _money),
    Rewrite(rf"(?<![\d.,])({_MIXED})", _mixed),
    Rewrite(rf"(?<![\d.,])({DECIMAL})\s?(원|달러)\s?/\s?({_UNIT})(?![A-Za-z])", _price_per_unit, re.IGNORECASE),
    Rewrite(r"(?<![A-Za-z\d])(?:[A-Z]{1,2}\d|\d[DGK])(?![A-Za-z\d.])", _code),  # not 5L or 3M: units
    Rewrite(rf"(?<![\d.,])({DECIMAL})\s?[~∼〜\-–]\s?({DECIMAL})\s?({_COUNTER}|(?:{_UNIT})(?![A-Za-z]))", _range,
            re.IGNORECASE),
    Rewrite(rf"(?<![\d.,A-Za-z])(-?)({DECIMAL})\s?({_UNIT})(?![A-Za-z])", _unit, re.IGNORECASE),
    Rewrite(rf"(?<![\d.,])(-?)({DECIMAL})\s?({_COUNTER})", _count),
    Rewrite(rf"(?<![A-Za-z])({_UNIT})(?=당)", lambda match: UNITS[match.group(1).lower()], re.IGNORECASE),
    Rewrite(r"\s*[~∼〜]\s*", lambda match: "에서 "),
    Rewrite(rf"(?<![A-Za-z\d.,])({DECIMAL})", _plain),
)


def normalize_korean(text: str) -> str:
    """Korean text with every number, phone number, address and unit written as it is said."""
    return rewrite(text, REWRITES)
