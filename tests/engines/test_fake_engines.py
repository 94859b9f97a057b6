"""The fake engines: what the fake TTS says the fake STT hears exactly (through resampling, G.711 and the
codecs phones and browsers upload), with word timings; the fake VAD hears it as speech and silence as
silence; the fake agent echoes, calls a tool it is asked for and reads the result back."""

from __future__ import annotations

import pytest

from talkline.agent.base import AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import Message, ToolCall, ToolOutput
from talkline.agent.tools import ToolSpec
from talkline.audio import Pcm, decode_audio, resample, wav_bytes
from talkline.audio.g711 import ulaw_decode, ulaw_encode
from talkline.engines.base import EngineError
from talkline.engines.fake import FakeAgent, FakeSTT, FakeTTS, FakeVAD, fake_speech
from tests.audio.media import make_file
from tests.speech import korean_clip

SENTENCE = "Where can I throw away an old battery?"
KOREAN = "건전지는 어디에 버려요?"
UPLOADS = [("ogg", "libopus", 48000), ("webm", "libopus", 48000), ("mp4", "aac", 44100), ("mp3", "mp3", 44100),
           ("flac", "flac", 16000)]


async def heard(pcm: Pcm, language: str | None = None) -> str:
    return (await FakeSTT().transcribe(pcm, language=language)).text


async def test_what_the_tts_says_the_stt_hears_in_any_language() -> None:
    for text in (SENTENCE, KOREAN, "Mixed 한국어 and English, 1 2 3!"):
        spoken = [pcm async for pcm in FakeTTS().synthesize(text)]
        assert await heard(Pcm(b"".join(p.data for p in spoken), spoken[0].rate)) == text
    korean = await FakeSTT().transcribe(fake_speech(KOREAN))
    assert korean.language == "ko" and (await FakeSTT().transcribe(fake_speech(SENTENCE))).language == "en"


async def test_it_survives_resampling_and_the_telephone_codec() -> None:
    speech = fake_speech(SENTENCE)
    assert await heard(resample(speech, 16000)) == SENTENCE
    telephone = resample(speech, 8000)
    assert await heard(Pcm(ulaw_decode(ulaw_encode(telephone.data)), 8000)) == SENTENCE


@pytest.mark.parametrize(("container", "codec", "rate"), UPLOADS)
async def test_it_survives_the_upload_codecs(container: str, codec: str, rate: int) -> None:
    upload = make_file(fake_speech(KOREAN), container, codec, rate=rate)
    assert await heard(resample(decode_audio(upload), 16000)) == KOREAN


async def test_words_are_timed_and_silence_around_speech_is_nothing() -> None:
    speech = Pcm.silence(500, 24000) + fake_speech("recycle the can") + Pcm.silence(300, 24000)
    transcription = await FakeSTT().transcribe(speech)
    words = transcription.segments[0].words
    assert [word.text for word in words] == ["recycle", "the", "can"]
    assert 0.49 <= words[0].start < words[0].end < words[1].start < words[2].end <= speech.duration_ms / 1000
    assert transcription.duration_s == pytest.approx(speech.duration_ms / 1000)
    assert await heard(Pcm.silence(1000, 16000)) == "" and await heard(Pcm(b"", 16000)) == ""
    assert await heard(korean_clip()) == ""  # real speech is no fake speech


async def test_the_vad_hears_speech_and_not_silence() -> None:
    stream = FakeVAD().stream()
    audio = resample(Pcm.silence(320, 24000) + fake_speech("hello") + Pcm.silence(320, 24000), 16000)
    probabilities = await stream.probabilities(audio.data[:1000]) + await stream.probabilities(audio.data[1000:])
    assert len(probabilities) == len(audio.data) // 1024  # one per 32 ms frame, remainders kept between calls
    assert probabilities[:9] == [0.0] * 9 and max(probabilities) == 1.0 and probabilities[-9:] == [0.0] * 9


async def test_the_tts_refuses_unknown_voices_and_bad_speeds_and_can_take_its_time() -> None:
    with pytest.raises(EngineError) as unknown:
        [pcm async for pcm in FakeTTS().synthesize("hi", voice="nobody")]
    with pytest.raises(EngineError) as fast:
        [pcm async for pcm in FakeTTS().synthesize("hi", speed=9)]
    assert (unknown.value.code, fast.value.code) == ("unknown_voice", "invalid_speed")
    assert "alloy" in FakeTTS().voices() and "saerom" in FakeTTS().voices()
    assert await heard(resample(fake_speech(SENTENCE), 16000)) == SENTENCE
    assert wav_bytes(fake_speech("x"))[:4] == b"RIFF"


async def test_the_agent_echoes_calls_a_named_tool_and_reads_it_back() -> None:
    lookup = ToolSpec("search_waste_disposal", "How to dispose of an item",
                      {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]})

    async def reply(*history: object, tools: tuple[ToolSpec, ...] = ()) -> list[object]:
        request = AgentRequest(history=history, tools=tools)  # type: ignore[arg-type]
        return [event async for event in FakeAgent().respond(request)]

    echoed = await reply(Message("user", "Hello there"))
    assert "".join(e.text for e in echoed if isinstance(e, TextDelta)) == "You said: Hello there"
    korean = await reply(Message("user", "안녕하세요"))
    assert "".join(e.text for e in korean if isinstance(e, TextDelta)) == "안녕하세요라고 하셨어요."
    [call] = await reply(Message("user", "search waste disposal for batteries"), tools=(lookup,))
    assert isinstance(call, ToolCallRequest) and call.name == "search_waste_disposal"
    answered = await reply(Message("user", "search waste disposal for batteries"),
                           ToolCall(call.call_id, call.name, call.arguments),
                           ToolOutput(call.call_id, '{"bin": "batteries"}'), tools=(lookup,))
    assert "bin batteries" in "".join(e.text for e in answered if isinstance(e, TextDelta))
