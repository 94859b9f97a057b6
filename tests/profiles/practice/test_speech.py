"""Practice calls with real speech: Piper speaks the learner's lines, whisper-base hears them, the agent answers."""

from __future__ import annotations

import asyncio

import pytest
from faster_whisper import WhisperModel

from talkline.agent.history import Message, Turn
from talkline.profiles.practice import TimedMessage, call_finished, feedback
from talkline.profiles.practice.catalog import common, scenario
from tests.profiles.practice.dialogue import reply
from tests.profiles.practice.whisper_model import transcribe
from tests.speech import KOREAN_CLIP_TRANSCRIPT, character_error_rate, english_speech, korean_clip

pytestmark = pytest.mark.e2e  # the real offline models

RESTAURANT = ["Hi, a table for two, please.", "I'd like the bibimbap, please.", "Just water, please.",
              "It was delicious. Can I have the bill?"]
HOSPITAL = ["Hello, I'd like to make an appointment.", "I have a headache and a fever.",
            "Tomorrow morning at ten is good.", "My name is Minsu Park, and I was born in 1990."]


@pytest.mark.parametrize(("scenario_id", "lines"), [("restaurant", RESTAURANT), ("hospital", HOSPITAL)])
async def test_a_spoken_english_call_reaches_the_goal(whisper: WhisperModel, scenario_id: str, lines: list[str]) -> None:
    options = {"scenario": scenario_id, "language": "en"}
    history: list[Turn] = [Message("assistant", await reply([], options))]
    messages, clock = [], 0.0
    for line in lines:
        audio = english_speech(line, rate=16000)
        heard = await asyncio.to_thread(transcribe, whisper, audio, "en")
        history.append(Message("user", heard))
        messages.append(TimedMessage(role="user", text=heard, started_at=clock, ended_at=clock + audio.duration_ms / 1000))
        clock += audio.duration_ms / 1000 + 1.0
        history.append(Message("assistant", await reply(history, options)))
        assert not history[-1].text.startswith(common().lines.miss.en), f"not understood: {heard!r}"

    assert history[-1].text.endswith(scenario(scenario_id).closing.en)
    assert call_finished(history, options)
    result = feedback(scenario_id, "gildong", messages)
    assert (result.goal_reached, result.language, result.turns) == (True, "en", len(lines))
    assert result.speaking_seconds == round(sum(m.duration for m in messages), 2) > 4.0


async def test_real_korean_speech_that_does_not_answer_gets_a_helpful_prompt(whisper: WhisperModel) -> None:
    clip = korean_clip()
    heard = await asyncio.to_thread(transcribe, whisper, clip, "ko", 5)
    assert character_error_rate(heard, KOREAN_CLIP_TRANSCRIPT) < 0.35, heard  # the recogniser did hear the sentence

    directions = scenario("directions")
    history: list[Turn] = [Message("assistant", await reply([], {"scenario": "directions"})), Message("user", heard)]
    assert await reply(history, {"scenario": "directions"}) == f"{common().lines.miss.ko} {directions.steps[0].ask.ko}"

    # the sentence ends in 반말 (걸어갔다): feedback points it out when the persona is the elder 길동
    result = feedback("directions", "gildong", [TimedMessage(role="user", text=heard, started_at=0.0,
                                                             ended_at=clip.duration_ms / 1000)])
    assert result.speech_level is not None
    assert (result.speech_level.casual_turns, result.speech_level.other_level_examples) == (1, [heard])
    assert result.expressions_to_learn[0].korean == directions.steps[0].hint.ko
