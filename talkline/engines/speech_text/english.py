"""English text as an English speaker reads it aloud: amounts, dates, times, units, phone numbers and
addresses in words. Numbers written against Korean letters (3개, 10리터) are left to the Korean reader."""

from __future__ import annotations

import re

from talkline.engines.speech_text import numbers_en, numbers_ko
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

ADDRESSES = AddressSpeech(
    separators={".": "dot", "/": "slash", "-": "dash", "_": "underscore", ":": "colon", "@": "at", "+": "plus"},
    spell=lambda letters: " ".join(letters.upper()),
    digits=numbers_en.digits,
    group_pause=", ",
    joined_labels={},
    word_labels=frozenset({"com", "net", "org", "gov"}),
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
_MONTH = "|".join(month[:3] + (r"(?:" + month[3:] + r"|\.)?" if len(month) > 3 else "") for month in MONTHS)
# unit: (singular, plural)
UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"), "km": ("kilometer", "kilometers"),
    "kg": ("kilogram", "kilograms"), "mg": ("milligram", "milligrams"), "g": ("gram", "grams"),
    "ml": ("milliliter", "milliliters"), "l": ("liter", "liters"), "ℓ": ("liter", "liters"),
    "cm": ("centimeter", "centimeters"), "mm": ("millimeter", "millimeters"), "m²": ("square meter", "square meters"),
    "m2": ("square meter", "square meters"), "㎡": ("square meter", "square meters"), "m": ("meter", "meters"),
    "°c": ("degree Celsius", "degrees Celsius"), "℃": ("degree Celsius", "degrees Celsius"),
    "°f": ("degree Fahrenheit", "degrees Fahrenheit"), "%": ("percent", "percent"), "lbs": ("pound", "pounds"),
    "lb": ("pound", "pounds"), "oz": ("ounce", "ounces"),
}  # fmt: skip
CURRENCIES = {"$": ("dollar", "dollars"), "US$": ("dollar", "dollars"), "€": ("euro", "euros"),
              "£": ("pound", "pounds"), "¥": ("yen", "yen"), "₩": ("won", "won"), "KRW": ("won", "won")}
_SCALE = r"(?:\s(million|billion|thousand))?"

NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
DECIMAL = rf"(?:{NUMBER})(?:\.\d+)?"
_UNIT = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
_NOT_KOREAN = r"(?![가-힣])"  # 3개, 10리터: a Korean count, read by the Korean voice
_TIME = r"(?<![\d:])(\d{1,2}):(\d\d)(?![\d:])(?:\s?([ap])\.?\s?m\b)?"


def say_amount(written: str, unit: tuple[str, str]) -> str:
    return f"{numbers_en.decimal(written)} {unit[0] if numbers_en.is_one(written) else unit[1]}"


def _money(match: re.Match[str]) -> str:
    symbol, written, scale = match.group(1), match.group(2), match.group(3)
    singular, plural = CURRENCIES[symbol]
    if scale:
        return f"{numbers_en.decimal(written)} {scale} {plural}"
    whole, _, cents = written.replace(",", "").partition(".")
    cents_value = int(cents.ljust(2, "0")[:2]) if cents else 0
    if symbol in ("$", "US$", "€", "£") and cents_value:
        spoken_cents = f"{numbers_en.cardinal(cents_value)} cent{'s' if cents_value != 1 else ''}"
        if int(whole or "0") == 0:
            return spoken_cents
        return f"{say_amount(whole, (singular, plural))} and {spoken_cents}"
    return say_amount(written, (singular, plural))


def _won(match: re.Match[str]) -> str:
    written = match.group(1)
    value = numbers_ko.mixed_value(written) if re.search("[조억만천]", written) else None
    amount = numbers_en.cardinal(value) if value is not None else numbers_en.decimal(written)
    return f"{amount} won"


def _unit(match: re.Match[str]) -> str:
    sign, written, unit = match.group(1), match.group(2), UNITS[match.group(3).lower()]
    if re.search(r"\ban?\s$", match.string[: match.start()], re.IGNORECASE):
        return f"{numbers_en.decimal(written)}-{unit[0]}"  # a 10L bag: a ten-liter bag
    return ("minus " if sign else "") + say_amount(written, unit)


def _range(match: re.Match[str]) -> str:
    first, last, unit = match.group(1), match.group(2), match.group(3)
    spoken = f"{numbers_en.decimal(first)} to {numbers_en.decimal(last)}"
    return f"{spoken} {UNITS[unit.lower()][1]}" if unit else spoken


def _time(match: re.Match[str]) -> str:
    return say_time(match.group(1), match.group(2), match.group(3)) or match.group()


def _time_range(match: re.Match[str]) -> str:
    """9:00-18:00: if either end is on the 24-hour clock, both are said with a.m. or p.m."""
    first, last = match.group(1, 2, 3), match.group(4, 5, 6)
    clock24 = any(_is_24_hour(hour, half) for hour, _, half in (first, last))
    said = [say_time(hour, minute, half, clock24=clock24) for hour, minute, half in (first, last)]
    return f"{said[0]} to {said[1]}" if all(said) else match.group()


def _is_24_hour(hour: str, half: str | None) -> bool:
    return not half and (int(hour) > 12 or hour.startswith("0"))


def say_time(hour_written: str, minute_written: str, half: str | None, *, clock24: bool = False) -> str | None:
    """('15', '30', None) -> 'three thirty p m'; ('9', '00', None) -> "nine o'clock"; None if no time."""
    hour, minute, half = int(hour_written), int(minute_written), (half or "").lower()
    if hour > 24 or minute > 59:
        return None
    if not half and (clock24 or _is_24_hour(hour_written, None)):
        half = "p" if 12 <= hour < 24 else "a"  # a 24-hour clock time, said the 12-hour way
    hour = hour % 12 or 12 if half else hour
    spoken = numbers_en.cardinal(hour)
    if minute:
        spoken += " " + (f"oh {numbers_en.cardinal(minute)}" if minute < 10 else numbers_en.cardinal(minute))
    elif not half:
        spoken += " o'clock"
    return spoken + (f" {half} m" if half else "")


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(group) if group else None for group in match.groups())
    if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return match.group()
    spoken = MONTHS[month - 1] + (f" {numbers_en.ordinal(day)}," if day else "")
    return f"{spoken} {numbers_en.year(year or 0)}"


def _month_day(match: re.Match[str]) -> str:
    month = next(name for name in MONTHS if name.lower().startswith(match.group(1)[:3].lower()))
    spoken = f"{month} {numbers_en.ordinal(int(match.group(2)))}"
    return spoken + (f", {numbers_en.year(int(match.group(3)))}" if match.group(3) else "")


def _plain(match: re.Match[str]) -> str:
    sign, written = match.group(1), match.group(2)
    if len(written) > 1 and written.startswith("0") and written.isdigit():
        return numbers_en.digits(written)
    return ("minus " if sign else "") + numbers_en.decimal(written)


def _service_number(match: re.Match[str]) -> str:
    return numbers_en.digits(match.group()) if CALLING.search(match.string) else match.group()


def _url(match: re.Match[str]) -> str:
    spoken, trailing = say_url(match.group(), ADDRESSES)
    return spoken + trailing


REWRITES = (
    Rewrite(EMAIL, lambda match: say_email(match.group(), ADDRESSES)),
    Rewrite(URL, _url),
    Rewrite(PHONE, lambda match: say_phone(match.group(), ADDRESSES)),
    Rewrite(SERVICE_NUMBER, _service_number),
    Rewrite(r"(?<![\d.])((?:19|20)\d\d)-(\d{1,2})(?:-(\d{1,2}))?(?![\d-])", _iso_date),
    Rewrite(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d)\b)?", _month_day, re.IGNORECASE),
    Rewrite(rf"{_TIME}\s?[~∼–\-]\s?{_TIME}", _time_range, re.IGNORECASE),
    Rewrite(_TIME, _time, re.IGNORECASE),
    Rewrite(rf"(US\$|KRW|[$€£¥₩])\s?({DECIMAL}){_SCALE}", _money),
    Rewrite(rf"(?<![\d.,])((?:{DECIMAL})(?:\s?[조억만천]+(?:\s?\d[\d,]*\s?[조억만천]+)*)?)\s?(?:원|won\b)", _won),
    Rewrite(rf"(?<=[\w%])\s?/\s?({_UNIT})(?![A-Za-z])", lambda m: f" per {UNITS[m.group(1).lower()][0]}",
            re.IGNORECASE),
    Rewrite(rf"(?<![\w.,])({DECIMAL})\s?[~∼–\-]\s?({DECIMAL})(?:\s?({_UNIT})(?![A-Za-z]))?{_NOT_KOREAN}", _range,
            re.IGNORECASE),
    Rewrite(rf"(?<![\w.,])(-?)({DECIMAL})\s?({_UNIT})(?![A-Za-z가-힣])", _unit, re.IGNORECASE),
    Rewrite(r"(?<![\w.])(\d+)(?:st|nd|rd|th)\b", lambda match: numbers_en.ordinal(int(match.group(1)))),
    Rewrite(rf"\b(in|since|by|from|until|till|before|after|of|year|around|{_MONTH})\s+(1[1-9]\d\d|20\d\d)\b(?![.,]\d)",
            lambda match: f"{match.group(1)} {numbers_en.year(int(match.group(2)))}", re.IGNORECASE),
    Rewrite(r"\s*[~∼]\s*", lambda match: " to "),
    Rewrite(rf"(?<![\w.,])(-?)({DECIMAL}){_NOT_KOREAN}(?!\d)", _plain),
)


def normalize_english(text: str) -> str:
    """English text with every number, phone number, address and unit written as it is said."""
    return rewrite(text, REWRITES)
