from __future__ import annotations

import pytest
from pydantic import ValidationError

from talkline.jobs import MAX_AUDIO_BYTES, Job, JobNotFound, JobStatus, is_job_id, owned_by
from talkline.jobs.job import queued_record
from talkline.jobs.redact import redact
from tests.jobs.helpers import chat_job, voice_job


def test_voice_job_round_trips_through_the_wire_format_with_raw_audio() -> None:
    job = voice_job()
    decoded = Job.from_wire(job.to_wire())
    assert decoded == job
    assert decoded.audio == job.audio


def test_chat_job_round_trips_with_options_and_non_ascii_text() -> None:
    job = Job(kind="chat", owner="bob", profile="eco", text="페트병은 어떻게 버려요?\nthanks",
              session_id="sess_1", options={"voice": "ko", "speed": 1.1})
    assert Job.from_wire(job.to_wire()) == job


def test_job_ids_are_fresh_and_well_formed() -> None:
    first, second = chat_job(), chat_job()
    assert first.id != second.id
    assert is_job_id(first.id)
    assert not is_job_id("job_../../etc")
    assert not is_job_id(first.id + "}")


@pytest.mark.parametrize("fields", [
    {"kind": "voice"},                                   # no audio
    {"kind": "voice", "audio": b"x", "text": "both"},
    {"kind": "chat"},                                    # no text
    {"kind": "chat", "text": "hi", "audio": b"x"},
    {"kind": "chat", "text": ""},
    {"kind": "email", "text": "hi"},
    {"kind": "chat", "text": "hi", "id": "job_not-hex"},
])
def test_a_job_must_carry_the_input_of_its_kind(fields: dict) -> None:
    with pytest.raises(ValidationError):
        Job(owner="alice", profile="eco", **fields)


def test_audio_above_25_mb_is_refused() -> None:
    with pytest.raises(ValidationError, match="at most"):
        Job(kind="voice", owner="alice", profile="eco", audio=b"\0" * (MAX_AUDIO_BYTES + 1))


def test_a_message_that_is_not_a_job_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Job.from_wire(b"no separator at all")
    with pytest.raises(ValueError):
        Job.from_wire(b'{"kind":"chat"}\n')


def test_owned_by_refuses_another_owner_like_a_missing_job() -> None:
    record = queued_record(chat_job(owner="alice"))
    assert owned_by(record, "alice") is record
    assert record.status is JobStatus.QUEUED
    with pytest.raises(JobNotFound):
        owned_by(record, "mallory")
    with pytest.raises(JobNotFound):
        owned_by(None, "alice")
    assert "owner" not in record.public()


def test_redact_hides_credentials_in_log_text() -> None:
    text = redact("connect amqp://user:hunter2@broker/ failed; Authorization: Bearer abc.def; "
                  "api_key=sk-live1234567890 password='pw1'")
    for secret in ("hunter2", "abc.def", "sk-live1234567890", "pw1"):
        assert secret not in text
    assert "amqp://***@broker/" in text
