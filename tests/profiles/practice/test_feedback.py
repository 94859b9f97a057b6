"""Feedback after a call: goal, turns, speaking time, expressions to learn, North Korean words, speech level."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from talkline.profiles.practice import Feedback, TimedMessage, UnknownPersona, UnknownScenario, feedback
from talkline.profiles.practice.catalog import scenario
from talkline.profiles.practice.speech_level import speech_level


def timed(*turns: tuple[str, str, float, float]) -> list[TimedMessage]:
    return [TimedMessage(role=role, text=text, started_at=start, ended_at=end) for role, text, start, end in turns]


def call(user_lines: list[str]) -> list[TimedMessage]:
    """The persona speaks 2 s, then the user 1.5 s, with 0.5 s gaps."""
    messages, clock = [], 0.0
    for line in user_lines:
        messages.append(TimedMessage(role="assistant", text="…", started_at=clock, ended_at=clock + 2.0))
        messages.append(TimedMessage(role="user", text=line, started_at=clock + 2.5, ended_at=clock + 4.0))
        clock += 4.5
    return messages


def test_a_finished_call() -> None:
    messages = timed(
        ("assistant", "어서 오세요, 새길마트입니다. 뭐 찾으시는 거 있으세요?", 0.0, 3.0),
        ("user", "우유는 어디에 있어요?", 3.5, 5.0),
        ("assistant", "아, 그건 저쪽 3번 통로에 있어요.", 5.2, 8.0),
        ("user", "네, 맞아요. 이거 얼마예요?", 8.5, 10.5),
        ("assistant", "이건 이천오백 원이에요.", 11.0, 13.0),
        ("user", "카드로 할게요.", 13.5, 14.5),
        ("assistant", "봉투 필요하세요?", 15.0, 16.0),
        ("user", "봉투 하나 주세요.", 16.5, 17.75),
        ("assistant", "감사합니다. 안녕히 가세요!", 18.0, 20.0),
    )
    result = feedback("mart", "gildong", messages)
    assert (result.outcome, result.goal_reached) == ("goal_reached", True)
    assert (result.steps_completed, result.steps_total, result.turns) == (4, 4, 4)
    assert result.speaking_seconds == 1.5 + 2.0 + 1.0 + 1.25
    assert result.call_seconds == 20.0
    assert result.language == "ko"
    # every step went smoothly and four of the five expressions were used: only the unused one is left
    assert [tip.korean for tip in result.expressions_to_learn] == ["영수증 주세요."]
    assert result.north_korean_words == []
    assert result.speech_level is not None
    assert (result.speech_level.expected, result.speech_level.polite_turns, result.speech_level.casual_turns) == (
        "polite", 4, 0)


def test_steps_the_user_struggled_with_or_never_reached_come_first_in_expressions_to_learn() -> None:
    result = feedback("restaurant", "gildong", call(["어...", "한 명이에요", "김치찌개 하나 주세요"]))
    assert (result.outcome, result.goal_reached, result.steps_completed) == ("unfinished", False, 2)
    restaurant = scenario("restaurant")
    expected = [restaurant.steps[0].hint.ko, restaurant.steps[2].hint.ko, restaurant.steps[3].hint.ko]
    assert [tip.korean for tip in result.expressions_to_learn][:3] == expected
    assert result.expressions_to_learn[0].english == restaurant.steps[0].hint.en
    assert len(result.expressions_to_learn) <= 5


def test_quitting_is_not_reaching_the_goal() -> None:
    result = feedback("bank", "gildong", call(["통장 만들고 싶어요", "오늘은 그만할게요"]))
    assert (result.outcome, result.goal_reached, result.steps_completed, result.turns) == ("quit", False, 1, 2)
    assert (result.speaking_seconds, result.call_seconds) == (3.0, 8.5)


def test_north_korean_words_are_listed_once_with_their_south_korean_words() -> None:
    result = feedback("mart", "gildong", call(["꼬부랑 국수는 어디 있어요?", "일없습니다. 꼬부랑국수 얼마예요?"]))
    words = [(w.north, w.south, w.heard_in) for w in result.north_korean_words]
    assert words == [("꼬부랑국수", "라면", "꼬부랑 국수는 어디 있어요?"), ("일없다", "괜찮다", "일없습니다. 꼬부랑국수 얼마예요?")]
    assert result.north_korean_words[0].english == "instant noodles (ramyeon)"


def test_speech_level_against_the_persona() -> None:
    with_gildong = feedback("mart", "gildong", call(["우유 어디 있어?", "이거 얼마예요?"]))
    assert with_gildong.speech_level is not None
    assert with_gildong.speech_level.expected == "polite"
    assert with_gildong.speech_level.other_level_examples == ["우유 어디 있어?"]
    with_saerom = feedback("mart", "saerom", call(["우유 어디 있어?", "이거 얼마예요?"]))
    assert with_saerom.speech_level is not None
    assert with_saerom.speech_level.other_level_examples == ["이거 얼마예요?"]
    # the expressions to learn are in the persona's level
    assert all(speech_level(tip.korean) == "casual" for tip in with_saerom.expressions_to_learn)


def test_an_english_call() -> None:
    result = feedback("directions", "gildong", call(["How do I get to the subway station?", "How long does it take?",
                                                     "Thank you so much!"]))
    assert (result.language, result.goal_reached, result.speech_level, result.north_korean_words) == (
        "en", True, None, [])


def test_an_empty_call() -> None:
    result = feedback("mart", "gildong", [])
    assert (result.turns, result.speaking_seconds, result.call_seconds, result.outcome) == (0, 0, 0, "unfinished")
    assert len(result.expressions_to_learn) == 5


def test_feedback_is_json_for_the_api() -> None:
    result = feedback("friend", "saerom", call(["내 이름은 하나야"]))
    assert Feedback.model_validate_json(result.model_dump_json()) == result


def test_bad_input_is_a_typed_error() -> None:
    with pytest.raises(UnknownScenario):
        feedback("moon", "gildong", [])
    with pytest.raises(UnknownPersona):
        feedback("mart", "bob", [])
    with pytest.raises(ValidationError, match="before it starts"):
        TimedMessage(role="user", text="네", started_at=3.0, ended_at=2.0)
    with pytest.raises(ValidationError):
        TimedMessage(role="robot", text="네", started_at=0.0, ended_at=1.0)  # type: ignore[arg-type]
