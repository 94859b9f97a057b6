"""Practice calls with real speech: Piper (English) and espeak-ng (Korean) speak the learner's lines,
whisper-base hears them, the partner answers what was heard; and the one real recorded Korean clip."""

from __future__ import annotations

import asyncio

import pytest
from faster_whisper import WhisperModel

from talkline.agent.history import Message, Turn
from talkline.audio import Pcm, resample
from talkline.engines.local.espeak_tts import load_espeak
from talkline.profiles.practice import TimedMessage, call_finished, feedback
from talkline.profiles.practice.catalog import common, scenario, setup_for
from talkline.profiles.practice.dialogue import replay
from talkline.profiles.practice.speech_eval import character_error_rate
from tests.profiles.practice.dialogue import reply
from tests.profiles.practice.whisper_model import transcribe
from tests.speech import KOREAN_CLIP_TRANSCRIPT, english_speech, korean_clip

pytestmark = pytest.mark.e2e  # the real offline models

RESTAURANT = [
    "Hi, a table for two, please.",
    "I'd like the bulgogi, please.",
    "Just water, please.",
    "It was delicious. Can I have the bill?",
    "No, that's all. Goodbye!",
]
HOSPITAL = [
    "Hello, I'd like to make an appointment.",
    "I have a headache and a fever.",
    "Tomorrow morning at ten is good.",
    "My name is Minsu Park, and I was born on March 5, 1990.",
    "No, thank you. Bye!",
]


@pytest.mark.parametrize(("scenario_id", "lines"), [("restaurant", RESTAURANT), ("hospital", HOSPITAL)])
async def test_a_spoken_english_call_reaches_the_goal(
    whisper: WhisperModel, scenario_id: str, lines: list[str]
) -> None:
    options = {"scenario": scenario_id, "language": "en"}
    history: list[Turn] = [Message("assistant", await reply([], options, "en"))]
    messages, clock = [], 0.0
    for line in lines:
        audio = english_speech(line, rate=16000)
        heard = await asyncio.to_thread(transcribe, whisper, audio, "en")
        history.append(Message("user", heard))
        messages.append(
            TimedMessage(role="user", text=heard, started_at=clock, ended_at=clock + audio.duration_ms / 1000)
        )
        clock += audio.duration_ms / 1000 + 1.0
        history.append(Message("assistant", await reply(history, options, "en")))
        assert not any(history[-1].text.startswith(miss.en) for miss in common().lines.miss), (
            f"not understood: {heard!r}"
        )

    assert history[-1].text == scenario(scenario_id).closing.goodbye.en
    assert call_finished(history, options)
    result = feedback(scenario_id, "gildong", messages, language="en")
    assert (result.goal_reached, result.language, result.turns) == (True, "en", len(lines))
    assert result.speaking_seconds == round(sum(m.duration for m in messages), 2) > 4.0


def test_real_korean_speech_that_does_not_answer_gets_asked_again(whisper: WhisperModel) -> None:
    clip = korean_clip()
    heard = transcribe(whisper, clip, "ko", 5)
    assert character_error_rate(heard, KOREAN_CLIP_TRANSCRIPT) < 0.35, (
        heard
    )  # the recogniser did hear the sentence
    setup = setup_for({"scenario": "directions"}, "ko")
    state = replay(setup, [heard])
    assert state.log[-1].missed and not state.slots  # nothing taken from a sentence that does not answer
    assert state.said.endswith(setup.scenario.steps[0].rephrase.ko)
    # the sentence ends in 반말 (걸어갔다): feedback points it out, because a passer-by is owed 존댓말
    result = feedback(
        "directions",
        "gildong",
        [TimedMessage(role="user", text=heard, started_at=0.0, ended_at=clip.duration_ms / 1000)],
    )
    assert result.speech_level is not None and result.speech_level.other_level_examples == [heard]


KOREAN_LINES = [
    ("mart", ["우유 어디 있어요?", "네 맞아요", "카드로 할게요", "봉투 필요 없어요"]),
    ("restaurant", ["두 명이에요", "김치찌개 주세요", "물 주세요", "계산해 주세요"]),
]


@pytest.mark.parametrize(("scenario_id", "lines"), KOREAN_LINES)
def test_espeak_korean_heard_by_whisper_is_never_misunderstood(
    whisper: WhisperModel, scenario_id: str, lines: list[str]
) -> None:
    """espeak-ng's Korean is far harder to hear than a person (whisper gets most of it wrong): the partner
    must then ask again, never take a wrong answer."""
    library = load_espeak()
    voice = library.voice_by_language["ko"]
    setup = setup_for({"scenario": scenario_id}, "ko")
    heard = []
    for line in lines:
        audio = resample(Pcm(library.speak(line, voice, 165), library.sample_rate), 16000)
        heard.append(transcribe(whisper, audio, "ko", 5))
    state = replay(setup, heard)
    clean = replay(setup, lines)
    for record in state.log:
        for slot_id in record.set_slots:
            if not record.accepted:
                assert state.slots[slot_id].value == clean.slots[slot_id].value, (record.text, slot_id)
    rates = [character_error_rate(h, s) for s, h in zip(lines, heard, strict=True)]
    assert sum(rates) / len(rates) > 0.3  # this is a hard test of the partner, not of the recogniser
