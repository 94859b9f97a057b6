from __future__ import annotations

import pytest

from talkline.engines.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Where can I throw away an old battery?", "en"),
        ("Café au lait, s'il vous plaît.", "en"),  # Latin script reads as English: script, not language
        ("페트병은 어디에 버려요?", "ko"),
        ("PET 병은 라벨을 떼고 버려 주세요.", "ko"),
        ("I love 김치", "ko"),  # a Latin-only voice could not say the Hangul
        ("ㅋㅋㅋ", "ko"),
        ("ありがとうございます", "ja"),
        ("東京へ行きます", "ja"),
        ("你好，很高兴认识你。", "zh"),
        ("Привет, как дела?", "ru"),
        ("Καλημέρα", "el"),
        ("שלום", "he"),
        ("مرحبا", "ar"),
        ("नमस्ते", "hi"),
        ("สวัสดีครับ", "th"),
    ],
)
def test_detects_the_script(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "123 456", "?!…", "☺"])
def test_no_letters_no_language(text: str) -> None:
    assert detect_language(text) is None
