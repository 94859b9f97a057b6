"""Feedback after a call: the goal only when it was really reached, per-step notes, North Korean words
and endings, the learner's sentences rewritten, and the speech level judged by the relationship."""

from __future__ import annotations

import pytest

from talkline.profiles.practice import Feedback, TimedMessage, UnknownPersona, UnknownScenario, feedback


def transcript(*lines: str, seconds: float = 2.0) -> list[TimedMessage]:
    messages, clock = [TimedMessage(role="assistant", text="…", started_at=0.0, ended_at=1.5)], 2.0
    for line in lines:
        messages.append(TimedMessage(role="user", text=line, started_at=clock, ended_at=clock + seconds))
        messages.append(
            TimedMessage(
                role="assistant", text="…", started_at=clock + seconds + 0.3, ended_at=clock + seconds + 2.0
            )
        )
        clock += seconds + 3.0
    return messages


def test_a_call_that_reached_its_goal() -> None:
    result = feedback(
        "mart",
        "gildong",
        transcript(
            "안녕하십니까. 저 소젖 어디 있습네까?",
            "예 맞습니다. 이거 얼마입니까?",
            "카드로 하겠습니다",
            "일없습니다",
            "수고하십시오",
        ),
    )
    assert (result.outcome, result.goal_reached, result.said_goodbye) == ("goal_reached", True, True)
    assert (result.steps_completed, result.steps_total, result.turns) == (4, 4, 5)
    assert result.speaking_seconds == 10.0 and result.call_seconds == 26.0
    assert [note.status for note in result.steps] == ["done", "done", "done", "done"]
    assert (
        result.steps[0].values == {"item": "우유"} and result.steps[0].note.ko == "잘했어요. 바로 통했어요."
    )
    assert [(w.north, w.south) for w in result.north_korean_words] == [("소젖", "우유"), ("일없다", "괜찮다")]
    assert result.north_korean_words[1].note_ko is not None
    assert [(e.said, e.south) for e in result.north_korean_endings] == [("있습네까", "있습니까")]
    assert result.rewrites[0].natural == "안녕하십니까. 저 우유 어디 있습니까?"
    assert result.speech_level is not None and result.speech_level.expected_register == "haeyo"


def test_a_guessed_answer_is_not_a_reached_goal() -> None:
    result = feedback(
        "restaurant",
        "gildong",
        transcript(
            "으음",
            "어어",
            "음 그게",
            "김치찌개 주세요",
            "아니요 괜찮아요",
            "네 계산해 주세요",
            "안녕히 계세요",
        ),
    )
    assert result.outcome == "unfinished" and not result.goal_reached and result.said_goodbye
    party = result.steps[0]
    assert party.status == "assumed" and party.misses == 2 and "“두 명이에요.”" in party.note.ko
    assert result.expressions_to_learn[0].korean == "두 명이에요."


def test_an_early_goodbye_is_quitting_and_the_steps_not_reached_are_listed() -> None:
    result = feedback("bank", "saerom", transcript("통장 만들고 싶어요", "다음에 다시 올게요 안녕히 계세요"))
    assert (result.outcome, result.goal_reached) == ("quit", False)
    assert [note.status for note in result.steps] == ["done", "missing", "missing", "missing"]
    assert result.steps[1].note.ko.endswith("“네, 여기 있어요.”")


def test_words_that_only_look_north_korean_are_not_flagged() -> None:
    result = feedback(
        "friend",
        "saerom",
        transcript(
            "내 이름은 민지야",
            "요즘 일없어서 그냥 집에서 라디오 들어",
            "어제 숙제 안해가지고 선생님한테 혼났어",
        ),
    )
    assert result.north_korean_words == []


def test_the_speech_level_is_judged_by_the_relationship() -> None:
    rude = feedback("mart", "saerom", transcript("우유 어디 있어?", "이거 얼마야?", "카드로 할게"))
    assert rude.speech_level is not None and rude.speech_level.expected == "polite"
    assert (
        rude.speech_level.casual_turns == 3 and rude.speech_level.other_level_examples[0] == "우유 어디 있어?"
    )
    assert rude.speech_level.note.ko == "마트 직원한테는 존댓말로 말해요. 문장 끝에 ‘-요’를 붙이면 돼요."
    assert [r.natural for r in rude.rewrites] == ["우유 어디 있어요?", "이거 얼마예요?", "카드로 할게요"]
    friendly = feedback("friend", "saerom", transcript("제 이름은 민지예요", "저는 영화 봐요"))
    assert friendly.speech_level is not None and friendly.speech_level.expected_register == "banmal"
    assert friendly.speech_level.note.ko == "동갑 친구한테는 반말로 편하게 말해도 돼요."
    formal = feedback("interview", "gildong", transcript("저는 김민수예요. 식당에서 일했어요"))
    assert formal.speech_level is not None and formal.speech_level.note.ko.startswith("면접에서는 ‘-습니다’")


def test_northern_endings_count_as_their_own_kind_not_as_banmal() -> None:
    result = feedback("directions", "gildong", transcript("지하철역 어디 있습네까?", "얼마요?", "일없수다"))
    assert result.speech_level is not None
    assert (result.speech_level.casual_turns, result.speech_level.northern_turns) == (0, 3)
    assert [e.ending for e in result.north_korean_endings] == ["-ㅂ네까/-습네까", "얼마요?", "-수다"]


def test_an_english_call_gets_english_feedback_without_korean_checks() -> None:
    result = feedback(
        "hospital",
        "gildong",
        transcript("I'd like to book an appointment.", "I have a headache."),
        language="en",
    )
    assert result.language == "en" and result.speech_level is None and result.rewrites == []
    assert result.steps[1].values == {"symptom": "a headache"}


def test_unknown_names_are_refused() -> None:
    with pytest.raises(UnknownScenario):
        feedback("moon", "gildong", [])
    with pytest.raises(UnknownPersona):
        feedback("mart", "nobody", [])
    assert isinstance(feedback("mart", "gildong", []), Feedback)
