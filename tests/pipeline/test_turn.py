"""The Turn on the fake engines: what it hears, the one tool loop (server, client and unknown tools), speech
sentence by sentence, timings derived from its events, a speaking agent's audio in pieces, and a turn held
back, released or discarded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from talkline.agent.base import (
    AgentEvent,
    AgentRequest,
    AudioDelta,
    TextDelta,
    ToolCallRequest,
    Usage,
    UsageReport,
)
from talkline.agent.history import Message, ToolOutput
from talkline.agent.tools import ToolSpec
from talkline.audio import Pcm, wav_bytes
from talkline.engines.base import EngineError
from talkline.engines.fake import FakeAgent, FakeSTT, FakeTTS, fake_speech
from talkline.pipeline import AudioInput, Pipeline, TextInput, TurnOptions
from talkline.pipeline.events import (
    AudioOut,
    InputReady,
    PipelineEvent,
    ResponseEnd,
    SpeechDone,
    SpeechOut,
    TextOut,
    ToolCallOut,
    ToolResultOut,
    Transcribed,
)
from talkline.profiles.base import Profile
from tests.fakes.waste_tools import waste_tools

PIPELINE = Pipeline(stt=FakeSTT(), tts=FakeTTS())
ran: list[str] = []
tools = waste_tools(ran)


class Scripted:
    """An agent that calls the tools named in the user's words, then answers in two sentences."""

    name = "scripted"

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        if not any(isinstance(item, ToolOutput) for item in request.history):
            heard = next(m.text for m in reversed(request.history) if isinstance(m, Message) and m.role == "user")
            for index, name in enumerate(word for word in heard.split() if word.endswith("()")):
                yield ToolCallRequest(f"call_{index}", name.removesuffix("()"), json.dumps({"item": "sofa"}))
            if "()" in heard:
                return
        yield TextDelta("Done. ")
        yield TextDelta("It goes in the plastics bin.")


def profile(agent: object = None) -> Profile:
    return Profile(name="test", description="", instructions="Help.", agent=agent or Scripted(), tools=tools)


async def events_of(turn: AsyncIterator[PipelineEvent]) -> list[PipelineEvent]:
    return [event async for event in turn]


async def test_a_spoken_question_is_heard_answered_and_spoken_sentence_by_sentence() -> None:
    question = AudioInput(wav_bytes(fake_speech("Where does a bottle go?", 16000)))
    events = await events_of(PIPELINE.turn(profile(), (), question, TurnOptions(speech_ended_at=0.0)))
    kinds = [type(event) for event in events]
    assert kinds[:2] == [Transcribed, InputReady] and events[0].transcription.text == "Where does a bottle go?"
    assert [e.text for e in events if isinstance(e, SpeechOut)] == ["Done. ", "It goes in the plastics bin."]
    heard = await FakeSTT().transcribe(_joined([e for e in events if isinstance(e, AudioOut)]))
    assert heard.text.replace(" ", "") == "Done.Itgoesintheplasticsbin."
    assert kinds.index(SpeechDone) > kinds.index(AudioOut) > kinds.index(TextOut)
    end = events[-1]
    assert isinstance(end, ResponseEnd) and end.text == "Done. It goes in the plastics bin."
    assert end.user_text == "Where does a bottle go?" and end.audio_ms > 0
    assert end.items == (Message("user", "Where does a bottle go?"), Message("assistant", end.text))
    timings = end.timings  # from the turn's own events, in the order the stages happen
    assert list(timings) == ["stt_done", "first_token", "first_audio", "done"]
    assert 0 < timings["stt_done"] <= timings["first_token"] <= timings["first_audio"] <= timings["done"]


async def test_silence_is_no_speech() -> None:
    with pytest.raises(EngineError) as raised:
        await events_of(PIPELINE.turn(profile(), (), AudioInput(wav_bytes(fake_speech("", 16000)))))
    assert raised.value.code == "no_speech"


async def test_one_tool_loop_runs_server_tools_and_answers_unknown_ones() -> None:
    ran.clear()
    turn = PIPELINE.turn(profile(), (), TextInput("look_up() nowhere()"), TurnOptions(speak=False))
    events = await events_of(turn)
    calls = [e for e in events if isinstance(e, ToolCallOut)]
    results = [e.result for e in events if isinstance(e, ToolResultOut)]
    assert [(c.name, c.server) for c in calls] == [("look_up", True), ("nowhere", True)]
    assert results[0].ok and results[0].value == {"item": "sofa", "bin": "plastics"}
    assert not results[1].ok and results[1].value["error"]["code"] == "unknown_tool"
    end = events[-1]
    assert isinstance(end, ResponseEnd) and end.stop_reason == "completed" and end.text.startswith("Done.")
    assert ran == ["look_up"]


async def test_a_client_tool_call_ends_the_reply() -> None:
    client_tool = ToolSpec("get_location", "Where the phone is", {"type": "object", "properties": {}})
    options = TurnOptions(speak=False, client_tools=[client_tool])
    events = await events_of(PIPELINE.turn(profile(), (), TextInput("get_location()"), options))
    assert [(e.name, e.server) for e in events if isinstance(e, ToolCallOut)] == [("get_location", False)]
    assert isinstance(events[-1], ResponseEnd) and events[-1].stop_reason == "tool_calls"


async def test_a_held_turn_runs_only_read_only_tools_until_released() -> None:
    ran.clear()
    turn = PIPELINE.turn(profile(), (), TextInput("look_up() book_pickup()"), TurnOptions(speak=False), held=True)
    await asyncio.sleep(0.2)
    assert ran == []  # the step calls a tool that is not read-only: nothing runs while held
    turn.release()
    events = await events_of(turn)
    assert sorted(ran) == ["book_pickup", "look_up"] and isinstance(events[-1], ResponseEnd)

    ran.clear()
    reading = PIPELINE.turn(profile(), (), TextInput("look_up()"), TurnOptions(speak=False), held=True)
    for _ in range(100):
        if ran:
            break
        await asyncio.sleep(0.01)
    assert ran == ["look_up"]  # read-only: prepared ahead
    await reading.discard()  # dropped without a trace: no events ever came out
    assert reading.timings.durations_ms() == {}


async def test_a_speaking_agent_answers_through_the_same_loop_with_its_own_audio() -> None:
    class Speaking:
        name = "speaking"

        async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
            assert request.voice == "alloy" and request.history[-1].audio is not None  # it hears the recording
            yield TextDelta("Plastics.")
            yield AudioDelta(fake_speech("Plastics. " * 8))  # about 4 s of speech
            yield UsageReport(Usage(input_audio_tokens=50, output_audio_tokens=80))

    pipeline = Pipeline(stt=FakeSTT(), tts=FakeTTS(), audio_model=Speaking())
    question = AudioInput(wav_bytes(fake_speech("Where does a bottle go?", 16000)))
    events = await events_of(pipeline.turn(profile(), (), question, TurnOptions(voice="alloy",
                                                                                 speech_to_speech=True)))
    pieces = [e for e in events if isinstance(e, AudioOut)]
    assert len(pieces) >= 2 and all(1500 <= p.pcm.duration_ms <= 2500 for p in pieces[:-1])
    assert not [e for e in events if isinstance(e, InputReady)]  # the model hears the audio itself
    assert isinstance(events[-2], Transcribed)  # the transcript, made alongside, comes after the reply
    end = events[-1]
    assert isinstance(end, ResponseEnd) and end.user_text == "Where does a bottle go?"
    assert end.usage == Usage(input_audio_tokens=50, output_audio_tokens=80)


async def test_the_fake_agent_in_a_turn() -> None:
    events = await events_of(PIPELINE.turn(profile(FakeAgent()), (), TextInput("look up the sofa"),
                                           TurnOptions(speak=False)))
    end = events[-1]
    assert isinstance(end, ResponseEnd) and "bin plastics" in end.text and end.tool_results[0].name == "look_up"


def _joined(pieces: list[AudioOut]) -> Pcm:
    return Pcm(b"".join(p.pcm.data for p in pieces), pieces[0].pcm.rate)
