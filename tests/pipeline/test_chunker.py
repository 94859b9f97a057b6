import pytest

from talkline.pipeline.chunker import SentenceChunker


def stream(text: str, step: int = 1, **kwargs: int) -> list[str]:
    chunker = SentenceChunker(**kwargs)
    pieces: list[str] = []
    for start in range(0, len(text), step):
        pieces += chunker.push(text[start:start + step])
    return pieces + chunker.flush()


@pytest.mark.parametrize("step", [1, 3, 50])
def test_pieces_rejoin_to_the_exact_text(step: int) -> None:
    text = "페트병은 라벨을 떼고 내용물을 비운 다음, 물로 헹궈 주세요.  뚜껑은 닫아서!\n그럼 끝이에요? Yes. Done"
    assert "".join(stream(text, step)) == text


def test_english_sentences_split_at_terminal_punctuation() -> None:
    pieces = stream("Hello there. How are you today? I am fine!")
    assert [p.strip() for p in pieces] == ["Hello there.", "How are you today?", "I am fine!"]


def test_abbreviations_and_decimals_do_not_end_a_sentence() -> None:
    pieces = stream("Hello. Ask Mr. Smith about 3.5 kg, e.g. for plastics. Then go.")
    assert [p.strip() for p in pieces] == ["Hello.", "Ask Mr. Smith about 3.5 kg, e.g. for plastics.", "Then go."]


def test_korean_sentences_split_and_keep_spacing() -> None:
    pieces = stream("네, 알겠습니다. 스티로폼은 깨끗하게 해서 버리세요! 테이프는 떼고요.")
    assert pieces == ["네, ", "알겠습니다. ", "스티로폼은 깨끗하게 해서 버리세요! ", "테이프는 떼고요."]


def test_first_piece_is_cut_early_at_a_clause_or_phrase_for_fast_first_audio() -> None:
    pieces = stream("After you rinse the bottle and remove the label, crush it flat and close the cap.")
    assert pieces == ["After you rinse the bottle ", "and remove the label, crush it flat and close the cap."]
    pieces = stream("Put the plastic water bottle in the clear PET bottle bin. Remove the label.", step=7)
    assert pieces == ["Put the plastic water bottle ", "in the clear PET bottle bin. ", "Remove the label."]
    assert stream("Yes, the glass bottle is recyclable: rinse it.")[0] == "Yes, "  # a marked clause, however short
    assert stream("네, 페트병은 라벨을 떼고 버리세요. 뚜껑도요.", step=3)[0] == "네, "
    for text in ("E.g., rinse it first.", "I, for one, rinse them.", "Mr. Kim, please rinse it.", "1,000 won, please pay."):
        assert len(stream(text)[0]) >= 12, text  # only an answer word is a first piece however short
    assert stream("페트병은 라벨을 떼고 물로 헹궈서 투명 페트병 수거함에 버리세요.")[0] == "페트병은 라벨을 떼고 물로 헹궈서 "


def test_a_short_first_sentence_is_spoken_whole() -> None:
    assert stream("Put it in the glass bin. Rinse it first.")[0] == "Put it in the glass bin. "


def test_a_long_run_without_punctuation_is_cut_at_a_clause_or_space() -> None:
    text = "word " * 60
    pieces = stream(text, max_chars=80, first_min_chars=80)
    assert all(len(p) <= 80 for p in pieces[:-1])
    assert "".join(pieces) == text


def test_nothing_is_emitted_until_a_boundary_arrives() -> None:
    chunker = SentenceChunker()
    assert chunker.push("Hello") == []
    assert chunker.push(" there.") == []  # the period may still be an abbreviation or decimal
    assert chunker.push(" Next") == ["Hello there. "]
    assert chunker.flush() == ["Next"]


def test_flush_of_empty_stream_gives_nothing() -> None:
    assert SentenceChunker().flush() == []
