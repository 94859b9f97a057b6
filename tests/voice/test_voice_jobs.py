"""Voice jobs and chat in the embedded mode: uploads from phones and browsers, the SSE stream, resume,
ownership and every bad input."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from talkline.audio import Pcm
from talkline.audio.wav import wav_bytes
from talkline.engines.fake import fake_speech
from tests.audio.media import decode_with_pyav, make_file
from tests.servers import LiveServer
from tests.speech import english_speech, word_error_rate
from tests.sse_client import read_sse
from tests.voice.conftest import KEY_A, client_of

QUESTION = "How do I throw away an empty plastic water bottle?"

UPLOADS = {  # (container, codec, rate, filename, content type): what Android, iOS and browsers record
    "m4a": ("mp4", "aac", 44100, "question.m4a", "audio/mp4"),
    "webm": ("webm", "libopus", 48000, "question.webm", "audio/webm"),
    "mp3": ("mp3", "libmp3lame", 44100, "question.mp3", "audio/mpeg"),
    "ogg": ("ogg", "libopus", 48000, "question.ogg", "audio/ogg"),
    "flac": ("flac", "flac", 16000, "question.flac", "audio/flac"),
}


def upload(kind: str, text: str = QUESTION, *, real: bool = False) -> tuple[str, bytes, str]:
    speech = english_speech(text) if real else fake_speech(text)
    if kind == "wav":
        return "question.wav", wav_bytes(speech), "audio/wav"
    container, codec, rate, name, content_type = UPLOADS[kind]
    return name, make_file(speech, container, codec, rate=rate), content_type


async def submit(http: httpx.AsyncClient, kind: str = "wav", *, real: bool = False, **fields: str) -> dict:
    name, data, content_type = upload(kind, real=real)
    response = await http.post("/v1/voice", files={"file": (name, data, content_type)},
                               data={"session_id": "s-" + kind, "profile": "eco", **fields})
    assert response.status_code == 202, response.text
    return response.json()


@pytest.mark.parametrize("kind", ["m4a", "webm", "mp3", "ogg", "flac", "wav"])
async def test_an_upload_is_heard_answered_and_spoken_in_order(http_a: httpx.AsyncClient, kind: str) -> None:
    stream = await answered(http_a, kind)
    assert stream.of("transcript")[0].data["text"] == QUESTION


@pytest.mark.e2e
async def test_a_recorded_question_is_heard_answered_and_spoken_by_the_real_models(e2e_embedded: LiveServer) -> None:
    async with client_of(e2e_embedded, KEY_A) as http:
        stream = await answered(http, "m4a", real=True)
    assert word_error_rate(stream.of("transcript")[0].data["text"], QUESTION) <= 0.2


async def answered(http_a: httpx.AsyncClient, kind: str, *, real: bool = False) -> Any:
    """A job of this upload, its stream checked for order, chunking and consistency."""
    job = await submit(http_a, kind, real=real, output_format="mp3")
    assert job["status"] == "queued" and job["stream_url"] == f"/v1/voice/{job['job_id']}/events"
    stream = await read_sse(http_a, job["stream_url"])
    names = stream.names
    assert names[0] == "queued" and names[1] == "transcript" and names[-1] == "done"
    assert names.index("tool_call") < names.index("tool_result") < names.index("token")
    assert names.index("token") < names.index("audio_chunk") < names.index("audio_complete") < names.index("done")
    chunks = stream.of("audio_chunk")
    assert [c.data["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    decoded_ms = 0.0
    for chunk in chunks:
        samples, rate = decode_with_pyav(base64.b64decode(chunk.data["data"]))  # each chunk plays on its own
        decoded_ms += 1000 * samples.size / rate
        assert chunk.data["format"] == "mp3"
    complete = stream.of("audio_complete")[0].data
    assert abs(decoded_ms - complete["total_duration_ms"]) < 100 * len(chunks)
    tokens = "".join(t.data["content"] for t in stream.of("token"))
    assert complete["text_transcript"] == tokens == stream.of("done")[0].data["text"]
    assert "timings" in stream.of("done")[0].data and stream.of("done")[0].data["usage"]["total_tokens"] > 0
    ids = [int(e.id) for e in stream.events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    status = (await http_a.get(f"/v1/voice/{job['job_id']}")).json()
    assert status["status"] == "succeeded" and status["result"]["text"] == tokens
    return stream


async def test_resume_with_last_event_id_gives_exactly_the_rest(http_a: httpx.AsyncClient) -> None:
    job = await submit(http_a, output_format="opus")
    first = await read_sse(http_a, job["stream_url"], stop_after=3)  # the connection drops mid-job
    rest = await read_sse(http_a, job["stream_url"], last_event_id=first.events[-1].id)
    full = await read_sse(http_a, job["stream_url"])  # after the job finished, from the start
    assert [e.id for e in first.events + rest.events] == [e.id for e in full.events]
    for cut in (1, len(full.events) // 2, len(full.events) - 2):
        resumed = await read_sse(http_a, job["stream_url"], last_event_id=full.events[cut].id)
        assert [(e.id, e.event) for e in resumed.events] == [(e.id, e.event) for e in full.events[cut + 1:]]
    bad = await http_a.get(job["stream_url"], headers={"Last-Event-ID": "not-an-id"})
    assert bad.status_code == 400


async def test_chat_carries_the_conversation_by_session_id(http_a: httpx.AsyncClient) -> None:
    async def ask(message: str) -> str:
        submitted = await http_a.post("/v1/chat", json={"session_id": "kitchen", "message": message,
                                                        "profile": "eco", "modalities": ["text"]})
        assert submitted.status_code == 202, submitted.text
        stream = await read_sse(http_a, submitted.json()["stream_url"])
        assert "audio_chunk" not in stream.names and stream.names[-1] == "done"
        return stream.of("done")[0].data["text"]

    first = await ask("페트병은 어떻게 버려요?")
    follow_up = await ask("그럼 뚜껑은요?")
    assert "페트" in first
    assert "뚜껑" in follow_up


async def test_jobs_belong_to_their_caller(http_a: httpx.AsyncClient, http_b: httpx.AsyncClient) -> None:
    job = await submit(http_a)
    await read_sse(http_a, job["stream_url"])
    for url in (f"/v1/voice/{job['job_id']}", job["stream_url"]):
        refused = await http_b.get(url)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "job_not_found"
    unknown = await http_a.get("/v1/voice/job_00000000000000000000000000000000")
    assert unknown.status_code == 404


def recorded_jobs(server: LiveServer) -> int:
    """Jobs ever submitted (records stay for the retention time; finished queue rows do not)."""
    database = Path(server.runtime.settings.data_dir) / "jobs-events.db"
    with sqlite3.connect(database) as connection:
        return connection.execute("select count(*) from job_records").fetchone()[0]


async def test_bad_uploads_are_refused_and_never_queued(http_a: httpx.AsyncClient, embedded: LiveServer) -> None:
    before = recorded_jobs(embedded)
    long_speech = Pcm.silence(21_000, 16000)  # the server allows 20 s
    cases = [
        (("empty.wav", b"", "audio/wav"), 400, "empty_audio"),
        (("notes.txt", b"this is not audio at all, just some text" * 10, "text/plain"), 415, "unsupported_media_type"),
        (("broken.wav", wav_bytes(fake_speech(QUESTION))[:44] + b"\x00garbage" * 3, "audio/wav"), 400, None),
        (("long.wav", wav_bytes(long_speech), "audio/wav"), 413, "audio_too_long"),
        (("huge.wav", bytes(4 * 1024 * 1024), "audio/wav"), 413, "upload_too_large"),
    ]
    for file, status, code in cases:
        response = await http_a.post("/v1/voice", files={"file": file}, data={"session_id": "bad"})
        assert response.status_code == status, (file[0], response.text)
        error = response.json()["error"]
        assert error["message"] and (code is None or error["code"] == code), error
    missing = await http_a.post("/v1/voice", data={"session_id": "bad"})
    assert missing.status_code == 400
    unknown_profile = await http_a.post("/v1/voice", files={"file": upload("wav")},
                                        data={"session_id": "bad", "profile": "nope"})
    assert unknown_profile.status_code == 400 and "eco" in unknown_profile.json()["error"]["message"]
    assert recorded_jobs(embedded) == before
