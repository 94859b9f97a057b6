"""Distributed event log on Redis: one stream per job for events, one hash per job for its record.

Idempotent appends: an event's stream id is derived from its sequence number (`<seq>-1`) instead
of the server clock. Within one job stream, ids must only grow, so a Lua script appends an event
only when its seq is above the stream's last one; a retried attempt re-emitting seq 1..n therefore
writes nothing twice, in one round trip and without a separate marker key that could expire or
drift from the stream. The same script refuses appends after the terminal event.

Connections: a blocking `XREAD` must end before the socket times out, or redis-py drops the
connection mid-command (its default socket timeout, 5 s, is shorter than an SSE keepalive). `wait`
therefore blocks at most `MAX_BLOCK_S`, the socket timeout is that plus a margin, and every command
is retried over a reconnect for a few seconds, so a Redis restart (with AOF persistence) is ridden
out by writers and readers alike. When Redis stays away longer, commands raise EventLogUnavailable.
All scripts are idempotent except `_START`, whose retry after a lost reply counts one attempt twice.

Retention: every write sets the TTL of both keys to `retention_s`, so a job's keys live until
`retention_s` after its last event. Both keys share a hash tag (`{job_…}`), so the scripts also
work on Redis Cluster.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Awaitable
from typing import Any

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from talkline.jobs.errors import EventLogUnavailable, InvalidEventId, JobClosed, JobNotFound
from talkline.jobs.job import (
    Job,
    JobEvent,
    JobOutcome,
    JobRecord,
    JobStatus,
    check_event,
    dump_data,
    queued_event_data,
    queued_record,
)

_EVENT_ID = re.compile(r"[0-9]{1,18}-[0-9]{1,18}")
_NOT_FOUND, _CLOSED, _DUPLICATE = -2, -1, 0
MAX_BLOCK_S = 30.0  # longest blocking XREAD; `wait` asks for no more than this
SOCKET_TIMEOUT_S = MAX_BLOCK_S + 10.0  # a reply to the longest XREAD still arrives in time
CONNECT_TIMEOUT_S = 5.0
RETRY_BUDGET_S = 10.0  # a command keeps retrying over reconnects for about this long
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

_TOP_SEQ = """
local function top_seq(stream)
    local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
    if top[1] then return tonumber(string.match(top[1][1], '^(%d+)')) end
    return -1
end
local function finished(status)
    return status == 'succeeded' or status == 'failed'
end
"""
# KEYS: record, stream. ARGV: seq, type, data, ts, ttl
_APPEND = _TOP_SEQ + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -2 end
if finished(status) then return -1 end
if top_seq(KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
local id = redis.call('XADD', KEYS[2], ARGV[1] .. '-1', 'seq', ARGV[1], 'type', ARGV[2], 'data', ARGV[3], 'ts', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return id
"""
# KEYS: record, stream. ARGV: status, type, data, ts, ttl, outcome field
_FINISH = _TOP_SEQ + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -2 end
if finished(status) then return 0 end
local seq = top_seq(KEYS[2]) + 1
local id = redis.call('XADD', KEYS[2], seq .. '-1', 'seq', seq, 'type', ARGV[2], 'data', ARGV[3], 'ts', ARGV[4])
redis.call('HSET', KEYS[1], 'status', ARGV[1], ARGV[6], ARGV[3], 'updated_at', ARGV[4], 'finished_at', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return id
"""
# KEYS: record, stream. ARGV: now, ttl
_START = _TOP_SEQ + """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return false end
if not finished(status) then
    redis.call('HINCRBY', KEYS[1], 'attempt', 1)
    redis.call('HSET', KEYS[1], 'status', 'running', 'updated_at', ARGV[1])
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return redis.call('HGETALL', KEYS[1])
"""


class RedisEventLog:
    def __init__(self, url: str, retention_s: float, *, namespace: str = "talkline") -> None:
        self._redis = event_log_client(url)
        self._ttl_s = max(1, math.ceil(retention_s))
        self._namespace = namespace
        self._append = self._redis.register_script(_APPEND)
        self._finish = self._redis.register_script(_FINISH)
        self._start = self._redis.register_script(_START)

    def _keys(self, job_id: str) -> list[str]:
        record = f"{self._namespace}:job:{{{job_id}}}"
        return [record, f"{record}:events"]

    async def create_job(self, job: Job) -> JobRecord:
        record = queued_record(job)
        record_key, stream_key = self._keys(job.id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(record_key, mapping=_record_fields(record))
            pipe.xadd(stream_key, {"seq": 0, "type": "queued", "data": dump_data(queued_event_data(job.id)),
                                   "ts": time.time()}, id="0-1")
            pipe.expire(record_key, self._ttl_s)
            pipe.expire(stream_key, self._ttl_s)
            await pipe.execute()
        return record

    async def get_job(self, job_id: str) -> JobRecord | None:
        fields = await _reachable(self._redis.hgetall(self._keys(job_id)[0]))
        return _record(fields) if fields else None

    async def start_attempt(self, job_id: str) -> JobRecord | None:
        flat = await _reachable(self._start(keys=self._keys(job_id), args=[time.time(), self._ttl_s]))
        return _record(dict(zip(flat[::2], flat[1::2], strict=True))) if flat else None

    async def append(self, job_id: str, seq: int, type: str, data: dict[str, Any]) -> str | None:
        check_event(seq, type)
        reply = await _reachable(self._append(keys=self._keys(job_id),
                                              args=[seq, type, dump_data(data), time.time(), self._ttl_s]))
        if reply == _NOT_FOUND:
            raise JobNotFound(f"no job {job_id}")
        if reply == _CLOSED:
            raise JobClosed(f"job {job_id} already finished")
        return None if reply == _DUPLICATE else str(reply)

    async def finish(self, job_id: str, outcome: JobOutcome) -> bool:
        field = "result" if outcome.status is JobStatus.SUCCEEDED else "error"
        reply = await _reachable(self._finish(keys=self._keys(job_id), args=[
            outcome.status.value, outcome.event_type, dump_data(outcome.data), time.time(), self._ttl_s, field]))
        if reply == _NOT_FOUND:
            raise JobNotFound(f"no job {job_id}")
        return reply != _DUPLICATE

    async def read(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        start = f"({self.check_event_id(after)}" if after else "-"
        entries = await _reachable(self._redis.xrange(self._keys(job_id)[1], min=start, max="+", count=limit))
        return [_event(entry_id, fields) for entry_id, fields in entries]

    async def wait(self, job_id: str, after: str | None, max_wait_s: float, limit: int = 500) -> list[JobEvent]:
        stream = self._keys(job_id)[1]
        cursor = self.check_event_id(after) if after else "0-0"
        block_ms = max(1, round(min(max_wait_s, MAX_BLOCK_S) * 1000))
        reply = await _reachable(self._redis.xread({stream: cursor}, count=limit, block=block_ms))
        return [_event(entry_id, fields) for _, entries in reply for entry_id, fields in entries]

    def check_event_id(self, event_id: str) -> str:
        if _EVENT_ID.fullmatch(event_id) is None:
            raise InvalidEventId(f"not an event id of this log: {event_id[:40]!r}")
        return event_id

    async def purge_expired(self) -> int:
        return 0  # Redis expires each job's keys itself (TTL)

    async def close(self) -> None:
        await self._redis.aclose()


def event_log_client(url: str) -> redis.Redis:
    """A client whose socket outlives the longest blocking read, and that retries a command over
    reconnects (backoff 0.05 s doubling to 1 s) for about RETRY_BUDGET_S before giving up."""
    backoff = ExponentialBackoff(cap=1.0, base=0.05)
    return redis.Redis.from_url(
        url, decode_responses=True, protocol=2, socket_timeout=SOCKET_TIMEOUT_S,
        socket_connect_timeout=CONNECT_TIMEOUT_S, socket_keepalive=True, health_check_interval=15,
        retry=Retry(backoff, retries=round(RETRY_BUDGET_S) + 4,
                    supported_errors=(RedisConnectionError, RedisTimeoutError, OSError)))


async def _reachable(command: Awaitable[Any]) -> Any:
    try:
        return await command
    except _UNREACHABLE as exc:
        raise EventLogUnavailable(f"the Redis event log is unreachable ({type(exc).__name__})") from exc


def _record_fields(record: JobRecord) -> dict[str, str | int | float]:
    return {"id": record.id, "kind": record.kind, "owner": record.owner, "session_id": record.session_id or "",
            "profile": record.profile, "status": record.status.value, "attempt": record.attempt,
            "created_at": record.created_at, "updated_at": record.updated_at}


def _record(fields: dict[str, str]) -> JobRecord:
    def optional_json(name: str) -> dict[str, Any] | None:
        return json.loads(fields[name]) if fields.get(name) else None

    return JobRecord(
        id=fields["id"], kind=fields["kind"], owner=fields["owner"], session_id=fields["session_id"] or None,
        profile=fields["profile"], status=JobStatus(fields["status"]), attempt=int(fields["attempt"]),
        created_at=float(fields["created_at"]), updated_at=float(fields["updated_at"]),
        finished_at=float(fields["finished_at"]) if fields.get("finished_at") else None,
        result=optional_json("result"), error=optional_json("error"))


def _event(entry_id: str, fields: dict[str, str]) -> JobEvent:
    return JobEvent(id=entry_id, seq=int(fields["seq"]), type=fields["type"], data=json.loads(fields["data"]),
                    ts=float(fields["ts"]))
