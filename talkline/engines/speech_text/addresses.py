"""Phone numbers, web and e-mail addresses, read so that a listener can write them down.

Phone numbers go digit by digit in their groups, with a pause between groups. Addresses drop what nobody
types (the scheme, 'www.', queries); words in them are said as words, short labels and codes are spelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# 010-1234-5678, 02-123-4567, 1599-0903, (02) 123-4567, +82 10-1234-5678
PHONE = re.compile(r"(?<![\d-])(?:\+\d{1,3}[ -]?)?(?:\(\d{2,4}\) ?|\d{2,4}-)?\d{3,4}-\d{4}(?![\d-])")
# short service numbers are phone numbers only where the sentence speaks of calling
SERVICE_NUMBER = re.compile(r"(?<![\d,.])(?:11[2-9]|120|1330|182)(?!\d|[.,]\d)")
CALLING = re.compile(r"전화|신고|콜센터|상담|문의|\bcall|\bdial|\bphone|hotline", re.IGNORECASE)
_TLDS = "com|net|org|kr|edu|gov|io|co|info|biz|me|us|uk|jp|cn|app|dev|ai|tv|eu|de|fr"
URL = re.compile(
    rf"(?<![A-Za-z0-9@.\-])(?:https?://)?(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+(?:{_TLDS})"
    r"(?![A-Za-z0-9\-])(?::\d+)?(?:/[A-Za-z0-9\-._~%/?=&#+]*)?",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9])")
_PIECES = re.compile(r"[A-Za-z]+|\d+|[./\-_:@+]")
_TRAILING = ".,;:!?)/"


@dataclass(frozen=True, slots=True)
class AddressSpeech:
    """How one language names the parts of an address."""

    separators: Mapping[str, str]
    spell: Callable[[str], str]  # 'kr' -> '케이알' / 'K R'
    digits: Callable[[str], str]  # '0903' -> '공구공삼' / 'oh nine oh three'
    group_pause: str  # between the groups of a phone number
    joined_labels: Mapping[str, str]  # a dot and a label said as one word: 'com' -> '닷컴' (.com)
    word_labels: frozenset[str] = frozenset()  # short labels said as words, not spelled: 'com' -> 'dot com'


def say_phone(written: str, speech: AddressSpeech) -> str:
    groups = re.findall(r"\+?\d+", written)
    spoken = []
    for group in groups:
        plus = speech.separators["+"] + " " if group.startswith("+") else ""
        spoken.append(plus + speech.digits(group.lstrip("+")))
    return speech.group_pause.join(spoken)


def say_url(written: str, speech: AddressSpeech) -> tuple[str, str]:
    """(the address as said, the trailing punctuation that belongs to the sentence)."""
    address, trailing = _split_trailing(written)
    address = re.sub(r"^https?://", "", address, flags=re.IGNORECASE)
    address = re.sub(r"^www\.", "", address, flags=re.IGNORECASE)
    address = re.split(r"[?#]", address)[0].rstrip("/")
    return _say_pieces(address, speech), trailing


def say_email(written: str, speech: AddressSpeech) -> str:
    return _say_pieces(written, speech)


def _split_trailing(written: str) -> tuple[str, str]:
    address = written.rstrip(_TRAILING)
    return address, written[len(address) :]


def _say_pieces(address: str, speech: AddressSpeech) -> str:
    pieces = _PIECES.findall(address)
    words = []
    for index, piece in enumerate(pieces):
        label = piece.lower()
        if piece == "." and index + 1 < len(pieces) and pieces[index + 1].lower() in speech.joined_labels:
            continue
        if piece in speech.separators:
            words.append(speech.separators[piece])
        elif index and pieces[index - 1] == "." and label in speech.joined_labels:
            words.append(speech.joined_labels[label])
        elif piece.isdigit():
            words.append(" ".join(speech.digits(piece[i : i + 4]) for i in range(0, len(piece), 4)))
        elif label in speech.word_labels or _is_word(piece):
            words.append(label)
        else:
            words.append(speech.spell(piece))
    return " ".join(words)


def _is_word(letters: str) -> bool:
    """'recycle', 'naver' are said as words; 'kr', 'or', 'eco', 'www' are spelled."""
    return len(letters) >= 4 and re.search(r"[aeiouy]", letters, re.IGNORECASE) is not None
