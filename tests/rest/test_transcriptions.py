"""`/v1/audio/transcriptions` in every response format, and streamed, driven by the official SDK."""

from __future__ import annotations

import re

import httpx
import pytest
from openai import AsyncOpenAI

from talkline.audio import Pcm, wav_bytes
from talkline.engines.fake import fake_speech
from tests.audio.media import make_file
from tests.rest.conftest import API_KEY, RestServer
from tests.speech import character_error_rate, english_speech, korean_clip, word_error_rate

FIRST = "The museum opens early on weekends."
SECOND = "Visitors should buy their tickets online before they arrive."
TEXT = f"{FIRST} {SECOND}"
SRT_TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$")
VTT_TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


@pytest.fixture(scope="module")
def speech() -> Pcm:
    return fake_speech(FIRST) + Pcm.silence(700, 24000) + fake_speech(SECOND)


@pytest.fixture(scope="module")
def speech_wav(speech: Pcm) -> tuple[str, bytes, str]:
    return ("speech.wav", wav_bytes(speech), "audio/wav")


def seconds(groups: tuple[str, ...]) -> float:
    hours, minutes, secs, millis = map(int, groups)
    return 3600 * hours + 60 * minutes + secs + millis / 1000


def cue_times(timings: list[re.Match[str]]) -> list[tuple[float, float]]:
    return [(seconds(m.groups()[:4]), seconds(m.groups()[4:])) for m in timings]


def check_times(times: list[tuple[float, float]], duration: float) -> None:
    assert times, "no cues"
    assert all(start < end for start, end in times)
    assert all(a[1] <= b[0] + 0.01 for a, b in zip(times, times[1:], strict=False))  # in order, not overlapping
    assert times[-1][1] <= duration + 0.5 and times[-1][1] > duration - 2.0


async def test_json_is_the_default(client: AsyncOpenAI, speech_wav: tuple, speech: Pcm) -> None:
    result = await client.audio.transcriptions.create(file=speech_wav, model="whisper-1")
    assert result.text == TEXT
    assert result.usage.type == "duration" and result.usage.seconds >= speech.duration_ms / 1000


async def test_text_format_is_a_plain_string(client: AsyncOpenAI, speech_wav: tuple) -> None:
    result = await client.audio.transcriptions.create(file=speech_wav, model="whisper-1", response_format="text")
    assert isinstance(result, str)
    assert result.strip() == TEXT


async def test_srt_has_numbered_cues_with_timings(client: AsyncOpenAI, speech_wav: tuple, speech: Pcm) -> None:
    result = await client.audio.transcriptions.create(file=speech_wav, model="whisper-1", response_format="srt")
    blocks = [block.splitlines() for block in result.strip().split("\n\n")]
    assert [int(block[0]) for block in blocks] == list(range(1, len(blocks) + 1))
    timings = [SRT_TIMING.match(block[1]) for block in blocks]
    assert all(timings), result
    check_times(cue_times(timings), speech.duration_ms / 1000)
    assert " ".join(" ".join(block[2:]) for block in blocks) == TEXT


async def test_vtt_has_a_header_and_timed_cues(client: AsyncOpenAI, speech_wav: tuple, speech: Pcm) -> None:
    result = await client.audio.transcriptions.create(file=speech_wav, model="whisper-1", response_format="vtt")
    header, *cues = result.strip().split("\n\n")
    assert header == "WEBVTT"
    lines = [cue.splitlines() for cue in cues]
    timings = [VTT_TIMING.match(cue[0]) for cue in lines]
    assert all(timings), result
    check_times(cue_times(timings), speech.duration_ms / 1000)
    assert " ".join(" ".join(cue[1:]) for cue in lines) == TEXT


async def test_verbose_json_has_segments_and_words(client: AsyncOpenAI, speech_wav: tuple, speech: Pcm) -> None:
    result = await client.audio.transcriptions.create(
        file=speech_wav, model="whisper-1", response_format="verbose_json",
        timestamp_granularities=["word", "segment"], language="en")
    duration = speech.duration_ms / 1000
    assert result.language == "en" and abs(result.duration - duration) < 0.01
    assert result.text == TEXT
    check_times([(s.start, s.end) for s in result.segments], duration)
    assert [s.id for s in result.segments] == list(range(len(result.segments)))
    assert " ".join(s.text.strip() for s in result.segments) == TEXT
    words = result.words
    assert " ".join(w.word for w in words) == TEXT
    assert all(w.start <= w.end for w in words)
    assert all(a.start <= b.start for a, b in zip(words, words[1:], strict=False))
    # the word times follow the audio: the longest pause between words is the silence between the sentences
    pause = max(((a.end, b.start) for a, b in zip(words, words[1:], strict=False)), key=lambda p: p[1] - p[0])
    assert pause[1] - pause[0] > 0.5
    assert pause[0] < fake_speech(FIRST).duration_ms / 1000 < pause[1]


async def test_verbose_json_with_only_words_leaves_out_segments(client: AsyncOpenAI, speech_wav: tuple) -> None:
    result = await client.audio.transcriptions.create(file=speech_wav, model="whisper-1",
                                                      response_format="verbose_json", timestamp_granularities=["word"])
    assert result.segments is None and result.words


async def test_verbose_json_without_granularities_has_segments_only(client: AsyncOpenAI, speech_wav: tuple) -> None:
    result = await client.audio.transcriptions.create(file=speech_wav, model="whisper-1",
                                                      response_format="verbose_json")
    assert result.segments and result.words is None


async def test_stream_sends_deltas_then_done(client: AsyncOpenAI, speech_wav: tuple) -> None:
    stream = await client.audio.transcriptions.create(file=speech_wav, model="gpt-4o-transcribe", stream=True)
    events = [event async for event in stream]
    *deltas, done = events
    assert deltas and all(e.type == "transcript.text.delta" for e in deltas)
    assert done.type == "transcript.text.done"
    assert "".join(e.delta for e in deltas).strip() == done.text
    assert done.text == TEXT
    assert done.usage.input_token_details.audio_tokens > 0 and done.usage.output_tokens > 0


@pytest.mark.e2e
async def test_other_containers_and_korean_are_transcribed(e2e_client: AsyncOpenAI) -> None:
    clip = korean_clip()
    ogg = make_file(clip, "ogg", "libopus", rate=48000)
    result = await e2e_client.audio.transcriptions.create(file=("clip.ogg", ogg, "audio/ogg"), model="whisper-1",
                                                      language="ko", response_format="verbose_json")
    assert result.language == "ko"
    assert character_error_rate(result.text, "그는 이리저리 피하면서 길 한 옆으로 걸어갔다") < 0.35


@pytest.mark.e2e
async def test_plain_text_takes_the_greedy_decode_and_reads_as_well_as_the_timed_one(e2e_client: AsyncOpenAI
                                                                                    ) -> None:
    question = "How do I throw away an empty plastic water bottle?"
    wav = ("question.wav", wav_bytes(english_speech(question, 16000)), "audio/wav")
    fast = await e2e_client.audio.transcriptions.create(file=wav, model="whisper-1", language="en")
    timed = await e2e_client.audio.transcriptions.create(file=wav, model="whisper-1", language="en",
                                                         response_format="verbose_json")
    assert word_error_rate(fast.text, question) <= 0.1
    assert word_error_rate(fast.text, timed.text) <= 0.1


async def test_plain_array_names_and_bracketed_objects_are_accepted(rest_server: RestServer, speech_wav: tuple
                                                                    ) -> None:
    # curl users send `timestamp_granularities` without brackets and objects as bracket keys
    fields = {"model": "whisper-1", "response_format": "verbose_json", "timestamp_granularities": ["word"],
              "chunking_strategy[type]": "server_vad", "chunking_strategy[threshold]": "0.5"}
    async with httpx.AsyncClient(base_url=rest_server.url, timeout=120) as http:
        response = await http.post("/v1/audio/transcriptions", data=fields, files={"file": speech_wav},
                                   headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["words"] and "segments" not in body
