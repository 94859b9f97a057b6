"""Durable voice and chat jobs: a queue, an event log, workers, and the SSE reader.

Embedded default: SQLite queue and event log, workers as tasks of the server process.
Distributed: RabbitMQ queue (`broker_url`), Redis Streams event log (`redis_url`), workers as
`talkline worker` processes; any replica serves any job's SSE stream.
"""

from talkline.jobs.backends import Backends, create_backends
from talkline.jobs.errors import (
    EnqueueError,
    EventLogUnavailable,
    InvalidEventId,
    JobClosed,
    JobError,
    JobFailed,
    JobNotFound,
)
from talkline.jobs.job import (
    MAX_AUDIO_BYTES,
    TERMINAL_EVENTS,
    Job,
    JobEvent,
    JobOutcome,
    JobRecord,
    JobStatus,
    is_job_id,
    new_job_id,
)
from talkline.jobs.ports import Delivery, EventLog, JobQueue
from talkline.jobs.runner import build_worker, in_process_worker, run_worker
from talkline.jobs.sse import job_event_stream
from talkline.jobs.submission import get_owned_job, owned_by, submit_job
from talkline.jobs.worker import JobEvents, JobHandler, Worker

__all__ = [
    "MAX_AUDIO_BYTES", "TERMINAL_EVENTS", "Backends", "Delivery", "EnqueueError", "EventLog", "EventLogUnavailable",
    "InvalidEventId", "Job", "JobClosed", "JobError", "JobEvent", "JobEvents", "JobFailed", "JobHandler", "JobNotFound",
    "JobOutcome", "JobQueue", "JobRecord", "JobStatus", "Worker", "build_worker", "create_backends",
    "get_owned_job", "in_process_worker", "is_job_id", "job_event_stream", "new_job_id", "owned_by",
    "run_worker", "submit_job",
]
