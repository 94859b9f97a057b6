"""The worker runtime: takes jobs off the queue, runs a handler, and settles each job exactly once.

Per delivery:
  1. `start_attempt` in the event log: attempt += 1, status running (a finished job is only acked:
     it was redelivered because its worker died between the terminal event and the ack).
  2. The handler runs under the per-job timeout and emits events through `JobEvents`.
  3. Success: the terminal `done` and status succeeded are written together, then the job is acked.
     Failure with attempts left: retried. Otherwise the terminal `error` is written, then the job
     is dead-lettered (exhausted retries, timeouts, crashes) or acked (a non-retryable JobFailed).
The terminal event is always written before the ack, so a worker killed at any point loses nothing:
the job comes back, and `start_attempt` counts the interrupted attempt, so a job that keeps killing
its workers is failed and dead-lettered after `max_retries` instead of looping forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from talkline.jobs.errors import JobClosed, JobFailed
from talkline.jobs.job import Job, JobOutcome
from talkline.jobs.ports import Delivery, EventLog, JobQueue
from talkline.jobs.redact import redacted_traceback

log = logging.getLogger(__name__)


class JobEvents:
    """What a handler uses to publish progress: `await events.emit("token", {...})`.

    Sequencing contract: seq restarts at 1 on every attempt and the log keeps the first event
    written for each (job, seq). A handler that emits the same events in the same order for the
    same job (the turn pipeline is deterministic for the same input) thus yields one consistent
    stream however many attempts it takes: a retry's first events are dropped as duplicates and
    it continues exactly where the interrupted attempt stopped.
    A non-deterministic handler still causes no gap and no duplicate seq, but the stream may join
    the failed attempt's first events to the retry's later ones; the terminal event always comes
    last and carries the final result of the attempt that succeeded.

    `done` is not written here: emit("done", data) keeps the result, and the worker writes it
    together with the final status after the handler returned. To end with an error, raise
    JobFailed (emitting "error" is refused).
    """

    def __init__(self, log: EventLog, job_id: str) -> None:
        self._log = log
        self._job_id = job_id
        self._seq = 0
        self.result: dict[str, Any] | None = None

    @property
    def seq(self) -> int:
        """The last sequence number emitted in this attempt."""
        return self._seq

    async def emit(self, type: str, data: dict[str, Any] | None = None) -> None:
        if self.result is not None:
            raise ValueError(f"job {self._job_id} already emitted 'done'")
        if type == "error":
            raise ValueError("raise JobFailed to end a job with an error")
        if type == "done":
            self.result = dict(data or {})
            return
        self._seq += 1
        await self._log.append(self._job_id, self._seq, type, dict(data or {}))


JobHandler = Callable[[Job, JobEvents], Awaitable[None]]


class Worker:
    def __init__(self, queue: JobQueue, events: EventLog, handler: JobHandler, *, concurrency: int = 1,
                 job_timeout_s: float = 180.0, max_retries: int = 2, reconnect_s: float = 2.0,
                 stop_grace_s: float | None = None) -> None:
        if concurrency < 1 or max_retries < 0 or job_timeout_s <= 0:
            raise ValueError("concurrency >= 1, max_retries >= 0 and job_timeout_s > 0 are required")
        self._queue = queue
        self._events = events
        self._handler = handler
        self._concurrency = concurrency
        self._job_timeout_s = job_timeout_s
        self._max_attempts = max_retries + 1
        self._reconnect_s = reconnect_s
        self._stop_grace_s = stop_grace_s  # None: wait for running jobs however long they take
        self._slots = asyncio.Semaphore(concurrency)
        self._stopping = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()

    @property
    def concurrency(self) -> int:
        return self._concurrency

    def stop(self) -> None:
        """Take no new jobs; `run` returns once the jobs already running are settled, or, past the stop
        grace, once they are cancelled and handed back to the queue (another worker, or this one when it
        starts again, runs them)."""
        self._stopping.set()

    async def run(self) -> None:
        overseer = asyncio.create_task(self._hand_back_after_grace(), name="worker stop grace")
        try:
            while not self._stopping.is_set():
                try:
                    await self._consume()
                except Exception as exc:
                    log.error("the job queue failed; consuming again in %g s\n%s", self._reconnect_s,
                              redacted_traceback(exc))
                    await _wait_for(self._stopping, self._reconnect_s)
            if self._running:
                await asyncio.wait(set(self._running))
        except asyncio.CancelledError:
            # Hard stop: unsettled jobs are redelivered (connection closed or lease expired).
            for task in self._running:
                task.cancel()
            await asyncio.gather(*self._running, return_exceptions=True)
            raise
        finally:
            overseer.cancel()

    async def _hand_back_after_grace(self) -> None:
        """Once stopping: jobs still running after the grace are cancelled (_process gives them back)."""
        await self._stopping.wait()
        if self._stop_grace_s is None or not self._running:
            return
        _, late = await asyncio.wait(set(self._running), timeout=self._stop_grace_s)
        if late:
            log.warning("stopping: %d running job(s) handed back to the queue", len(late))
        for task in late:
            task.cancel()

    async def _consume(self) -> None:
        deliveries = aiter(self._queue.consume(prefetch=self._concurrency))
        try:
            while True:
                await self._slots.acquire()
                try:
                    delivery = await self._next(deliveries)
                except BaseException:
                    self._slots.release()
                    raise
                if delivery is None:
                    self._slots.release()
                    return
                task = asyncio.create_task(self._process(delivery), name=f"job {delivery.job.id}")
                self._running.add(task)
                task.add_done_callback(self._running.discard)
        finally:
            await deliveries.aclose()  # type: ignore[attr-defined]

    async def _next(self, deliveries: AsyncIterator[Delivery]) -> Delivery | None:
        """The next delivery, or None once stop() was called."""
        if self._stopping.is_set():
            return None
        incoming = asyncio.ensure_future(anext(deliveries))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({incoming, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not incoming.done():
                incoming.cancel()
                await asyncio.wait({incoming})  # the generator must be idle before it can be closed
        if incoming.cancelled():
            return None
        try:
            return incoming.result()
        except StopAsyncIteration:
            raise RuntimeError("the job queue stopped delivering") from None

    async def _process(self, delivery: Delivery) -> None:
        try:
            await self._settle(delivery)
        except asyncio.CancelledError:
            log.warning("job %s was interrupted by a hard stop; giving it back to the queue", delivery.job.id)
            await _give_back(delivery)
            raise
        except Exception as exc:
            log.error("job %s could not be settled; giving it back to the queue\n%s", delivery.job.id,
                      redacted_traceback(exc))
            await _give_back(delivery)
        finally:
            self._slots.release()

    async def _settle(self, delivery: Delivery) -> None:
        job_id = delivery.job.id
        record = await self._events.start_attempt(job_id)
        if record is None:
            log.error("job %s has no record (expired or never created); dead-lettering it", job_id)
            await delivery.dead_letter()
            return
        if record.status.finished:
            log.info("job %s was already finished; acking its redelivery", job_id)
            await delivery.ack()
            return
        job = delivery.job.model_copy(update={"attempt": record.attempt})
        if job.attempt > self._max_attempts:
            failure = JobFailed("retries_exhausted", "the job was interrupted too many times", retryable=True)
        else:
            outcome = await self._attempt(job)
            if isinstance(outcome, JobOutcome):
                await self._events.finish(job_id, outcome)
                await delivery.ack()
                return
            failure = outcome
        await self._fail(delivery, job, failure)

    async def _attempt(self, job: Job) -> JobOutcome | JobFailed:
        events = JobEvents(self._events, job.id)
        deadline = asyncio.timeout(self._job_timeout_s)
        try:
            async with deadline:
                await self._handler(job, events)
        except JobFailed as failure:
            return failure
        except JobClosed:
            log.info("job %s was finished by another attempt meanwhile", job.id)
            return JobFailed("job_closed", "the job already finished")
        except Exception as exc:
            if deadline.expired():
                log.warning("job %s attempt %d timed out after %g s", job.id, job.attempt, self._job_timeout_s)
                return JobFailed("job_timeout", f"the job did not finish within {self._job_timeout_s:g} s",
                                 retryable=True)
            log.error("job %s attempt %d failed\n%s", job.id, job.attempt, redacted_traceback(exc))
            return JobFailed("internal_error", "the job failed on the server", retryable=True)
        return JobOutcome.done(events.result or {})

    async def _fail(self, delivery: Delivery, job: Job, failure: JobFailed) -> None:
        if failure.retryable and job.attempt < self._max_attempts:
            log.warning("job %s attempt %d/%d failed (%s); retrying", job.id, job.attempt, self._max_attempts,
                        failure.code)
            await delivery.retry()
            return
        await self._events.finish(job.id, JobOutcome.failed(failure.code, failure.message))
        if failure.retryable:
            log.error("job %s failed after %d attempts (%s); dead-lettering it", job.id, job.attempt, failure.code)
            await delivery.dead_letter()
        else:
            await delivery.ack()


async def _give_back(delivery: Delivery) -> None:
    try:
        await delivery.retry()
    except Exception as exc:
        log.error("job %s could not be given back either; the broker or its lease will redeliver it (%s)",
                  delivery.job.id, type(exc).__name__)


async def _wait_for(event: asyncio.Event, max_wait_s: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), max_wait_s)
