"""Voice-job SSE payloads: exact JSON, parsing back, and rejection of malformed events."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import ValidationError

from talkline.protocol import job_events

EVENTS: list[job_events.JobEvent] = [
    job_events.JobQueued(job_id="job_1"),
    job_events.JobTranscript(text="페트병은 어떻게 버려요?", language="ko"),
    job_events.JobToolCall(call_id="call_1", name="search_waste_disposal", arguments={"query": "페트병"}),
    job_events.JobToolResult(call_id="call_1", name="search_waste_disposal", summary="PET bottle: clear PET bin"),
    job_events.JobToken(content="라벨을 ", seq=0),
    job_events.JobAudioChunk(data=base64.b64encode(b"\x00\x01" * 480).decode(), seq=0, duration_ms=20.0),
    job_events.JobAudioComplete(total_duration_ms=1840.5, text_transcript="라벨을 떼고 버리세요."),
    job_events.JobDone(text="라벨을 떼고 버리세요.", usage=job_events.JobUsage(input_tokens=12, output_tokens=9, total_tokens=21),
                 timings={"stt_ms": 410.0, "first_token_ms": 520.5, "first_audio_ms": 690.0}),
    job_events.JobError(code="engine_error", message="speech synthesis failed"),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.type)
def test_event_round_trips_through_its_sse_data(event: job_events.JobEvent) -> None:
    data = event.sse_data()
    assert "\n" not in data  # one SSE data line
    assert json.loads(data)["type"] == event.type
    assert job_events.parse_job_event(data) == event
    assert job_events.parse_job_event(json.loads(data)) == event


def test_payload_fields_are_exact() -> None:
    assert json.loads(job_events.JobToken(content="네", seq=3).sse_data()) == {"type": "token", "content": "네", "seq": 3}
    assert json.loads(job_events.JobAudioChunk(data="AAAA", seq=1, duration_ms=20.0).sse_data()) == {
        "type": "audio_chunk", "data": "AAAA", "format": "pcm16", "seq": 1, "duration_ms": 20.0}
    assert json.loads(job_events.JobError(code="timeout", message="took too long").sse_data()) == {
        "type": "error", "code": "timeout", "message": "took too long"}
    done = json.loads(job_events.JobDone(text="ok").sse_data())
    assert done == {"type": "done", "text": "ok", "user_text": "", "stop_reason": "completed",
                    "usage": {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}, "timings": {}}


def test_terminal_events() -> None:
    assert {event.type for event in EVENTS if event.type in job_events.TERMINAL_JOB_EVENTS} == {"done", "error"}


@pytest.mark.parametrize("data", [
    '{"type": "token", "content": "a", "seq": -1}',
    '{"type": "token", "content": "a"}',
    '{"type": "token", "content": "a", "seq": "1"}',
    '{"type": "audio_chunk", "data": "AAAA", "format": "flac8", "seq": 0, "duration_ms": 20}',
    '{"type": "audio_chunk", "data": "AAAA", "seq": 0, "duration_ms": -1}',
    '{"type": "done", "text": "x", "timings": {"stt_ms": -5}}',
    '{"type": "progress", "value": 1}',
    '{"type": "queued", "job_id": "j", "owner": "someone"}',
    "not json",
])
def test_malformed_events_are_rejected(data: str) -> None:
    with pytest.raises(ValidationError):
        job_events.parse_job_event(data)
