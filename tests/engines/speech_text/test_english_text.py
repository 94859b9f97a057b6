"""English text as an English speaker reads it aloud: a table of written forms and what is said."""

from __future__ import annotations

import pytest

from talkline.engines.speech_text.english import normalize_english

CASES: list[tuple[str, str]] = [
    # phone numbers: digit by digit, 0 as "oh", a pause between groups
    ("Call 1599-0903.", "Call one five nine nine, oh nine oh three."),
    ("Call 010-1234-5678 now", "Call oh one oh, one two three four, five six seven eight now"),
    ("Dial 119 in an emergency", "Dial one one nine in an emergency"),
    ("It has 119 items", "It has one hundred and nineteen items"),
    # money
    ("$12.50", "twelve dollars and fifty cents"), ("$1", "one dollar"), ("$0.50", "fifty cents"),
    ("€5", "five euros"), ("£3", "three pounds"), ("$5 million", "five million dollars"),
    ("It costs 15,000 won.", "It costs fifteen thousand won."), ("The fee is 15,000원.", "The fee is fifteen thousand won."),
    ("KRW 15,000", "fifteen thousand won"), ("₩15,000", "fifteen thousand won"),
    ("about 450 won/kg", "about four hundred and fifty won per kilogram"),
    # units
    ("5 kg", "five kilograms"), ("1 kg", "one kilogram"), ("1.5 L", "one point five liters"),
    ("Put it in a 10L bag", "Put it in a ten-liter bag"), ("500 ml", "five hundred milliliters"),
    ("20°C", "twenty degrees Celsius"), ("-5°C", "minus five degrees Celsius"), ("50%", "fifty percent"),
    ("3 km", "three kilometers"),
    # times and ranges
    ("at 3:30 pm", "at three thirty p m"), ("at 3:05", "at three oh five"), ("at 9:00", "at nine o'clock"),
    ("at 15:00", "at three p m"), ("Open 9:00-18:00", "Open nine a m to six p m"),
    ("Open 09:00~18:00", "Open nine a m to six p m"), ("3-5 bottles", "three to five bottles"),
    # dates, ordinals, years
    ("on 2024-03-05", "on March fifth, twenty twenty-four"), ("as of 2026-11", "as of November twenty twenty-six"),
    ("March 5, 2024", "March fifth, twenty twenty-four"), ("the 1st and 22nd", "the first and twenty-second"),
    ("since 2024", "since twenty twenty-four"), ("in 1999", "in nineteen ninety-nine"),
    ("survey (January 2025, rounded)", "survey (January twenty twenty-five, rounded)"),
    ("1999 bottles", "one thousand nine hundred and ninety-nine bottles"),
    # plain numbers and codes
    ("15,000", "fifteen thousand"), ("2.5", "two point five"), ("code 0903", "code oh nine oh three"),
    ("COVID-19", "COVID-nineteen"),
    # addresses
    ("Book at 15990903.or.kr.", "Book at one five nine nine oh nine oh three dot O R dot K R."),
    ("Visit https://www.recycle.go.kr/guide?x=1 today", "Visit recycle dot G O dot K R slash guide today"),
    ("naver.com", "naver dot com"), ("Write to help@eco.kr", "Write to help at E C O dot K R"),
    # Korean counts are left to the Korean voice
    ("a 3개 pack (10리터 종량제봉투)", "a 3개 pack (10리터 종량제봉투)"),
    ("Nothing to change here.", "Nothing to change here."),
]  # fmt: skip


@pytest.mark.parametrize(("written", "said"), CASES, ids=[written for written, _ in CASES])
def test_english_is_read_as_a_speaker_reads_it(written: str, said: str) -> None:
    assert normalize_english(written) == said
