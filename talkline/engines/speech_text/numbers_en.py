"""English number words, as an (American) English speaker says them."""

from __future__ import annotations

from num2words import num2words

DIGIT_NAMES = ("oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_POINT_DIGITS = ("zero", *DIGIT_NAMES[1:])


def cardinal(number: int) -> str:
    """1599 -> 'one thousand five hundred and ninety-nine'."""
    return str(num2words(number)).replace(",", "")


def decimal(written: str) -> str:
    """'15,000' -> 'fifteen thousand', '2.5' -> 'two point five'."""
    whole, _, fraction = written.replace(",", "").partition(".")
    spoken = cardinal(int(whole or "0"))
    if fraction:
        spoken += " point " + " ".join(_POINT_DIGITS[int(digit)] for digit in fraction)
    return spoken


def ordinal(number: int) -> str:
    """21 -> 'twenty-first'."""
    return str(num2words(number, to="ordinal")).replace(",", "")


def year(number: int) -> str:
    """2024 -> 'twenty twenty-four', 2005 -> 'two thousand and five'."""
    return str(num2words(number, to="year")).replace(",", "")


def digits(written: str) -> str:
    """'0903' -> 'oh nine oh three'."""
    return " ".join(DIGIT_NAMES[int(char)] for char in written if char.isdigit())


def is_one(written: str) -> bool:
    """Whether a written amount takes the singular: '1' and '1.0' do, '1.5' and '0' do not."""
    try:
        return float(written.replace(",", "")) == 1
    except ValueError:
        return False
