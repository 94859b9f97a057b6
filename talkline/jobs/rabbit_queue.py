"""Distributed job queue on RabbitMQ (aio-pika).

Topology, declared idempotently by every publisher and consumer:
  `voice.process`       durable queue, persistent messages, dead-letters to `dlx.voice.process`
  `dlx.voice.process`   direct exchange; dead-lettered messages keep their routing key
  `dlq.voice.process`   durable queue bound to it: jobs that failed their last attempt

Publishing waits for the broker's confirm (mandatory, so an unroutable message fails too). A
publish that fails because the connection is gone (a broker restart) is retried on a new channel
once the robust connection is back, until `publish_timeout_s` has passed; a message the broker
refused (nack, returned) is not retried. A confirm lost with the connection can mean the message
was queued after all, so a retried publish may queue a job twice: delivery is at least once, and
the event log's idempotent appends and single terminal event keep each job's stream exactly once.
Consumers take at most `prefetch` unacked messages; the worker acks after the terminal event is
written, nacks with requeue to retry and rejects without requeue to dead-letter. A consumer that
dies leaves its messages unacked, so RabbitMQ redelivers them to another consumer.

Attempts are counted in the job record, not in a message header: a header only changes when a
message is republished, so it cannot count a worker killed mid-job, and republish-then-ack opens a
window in which the job exists twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection
from aio_pika.exceptions import DeliveryError, PublishError

from talkline.jobs.errors import EnqueueError
from talkline.jobs.job import Job
from talkline.jobs.ports import Delivery

log = logging.getLogger(__name__)


class RabbitJobQueue:
    def __init__(self, url: str, *, queue_name: str = "voice.process", connect_timeout_s: float = 5.0,
                 publish_timeout_s: float = 30.0, reconnect_s: float = 1.0) -> None:
        self._url = url
        self.queue_name = queue_name
        self.dead_letter_exchange = f"dlx.{queue_name}"
        self.dead_letter_queue = f"dlq.{queue_name}"
        self._connect_timeout_s = connect_timeout_s
        self._publish_timeout_s = publish_timeout_s
        self._reconnect_s = reconnect_s
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._connect_lock = asyncio.Lock()
        self._publisher_lock = asyncio.Lock()

    async def publish(self, job: Job) -> None:
        """Returns once the broker confirmed the job; raises EnqueueError (the caller answers 503)
        when it refused it, or when it could not be reached within `publish_timeout_s`."""
        message = aio_pika.Message(job.to_wire(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                                   message_id=job.id, content_type="application/x-talkline-job")
        deadline = time.monotonic() + self._publish_timeout_s
        while True:
            try:
                await self._publish_once(message, deadline)
                return
            except (DeliveryError, PublishError) as exc:  # nacked or returned: retrying changes nothing
                raise EnqueueError(f"the broker refused job {job.id} ({type(exc).__name__})") from exc
            except Exception as exc:  # the connection or channel went away: retry on a new one
                if time.monotonic() + self._reconnect_s >= deadline:
                    raise EnqueueError(f"the broker did not take job {job.id} ({type(exc).__name__})") from exc
                log.warning("publishing job %s failed (%s); retrying in %g s", job.id, type(exc).__name__,
                            self._reconnect_s)
                await asyncio.sleep(self._reconnect_s)

    async def _publish_once(self, message: aio_pika.Message, deadline: float) -> None:
        channel = await self._publisher()
        try:
            await channel.default_exchange.publish(message, routing_key=self.queue_name, mandatory=True,
                                                   timeout=max(0.1, deadline - time.monotonic()))
        except (DeliveryError, PublishError):
            raise
        except Exception:
            self._publish_channel = None  # the next attempt opens a new channel
            raise

    async def consume(self, prefetch: int) -> AsyncIterator[Delivery]:
        # The channel stays open after the consumer stops: deliveries still running ack on it.
        # close() closes the connection and with it every channel.
        connection = await self._connect()
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        queue = await self._declare(channel)
        async with queue.iterator() as messages:
            async for message in messages:
                delivery = await _delivery(message)
                if delivery is not None:
                    yield delivery

    async def close(self) -> None:
        async with self._connect_lock:
            if self._connection is not None:
                await self._connection.close()
            self._connection = None
            self._publish_channel = None

    async def _connect(self) -> AbstractRobustConnection:
        async with self._connect_lock:
            if self._connection is None:
                self._connection = await aio_pika.connect_robust(self._url, timeout=self._connect_timeout_s,
                                                                 reconnect_interval=self._reconnect_s)
            return self._connection

    async def _publisher(self) -> AbstractChannel:
        async with self._publisher_lock:
            if self._publish_channel is None or self._publish_channel.is_closed:
                connection = await self._connect()
                channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                await self._declare(channel)
                self._publish_channel = channel
            return self._publish_channel

    async def _declare(self, channel: AbstractChannel) -> AbstractQueue:
        exchange = await channel.declare_exchange(self.dead_letter_exchange, aio_pika.ExchangeType.DIRECT,
                                                  durable=True)
        dead_letters = await channel.declare_queue(self.dead_letter_queue, durable=True)
        await dead_letters.bind(exchange, routing_key=self.queue_name)
        return await channel.declare_queue(self.queue_name, durable=True,
                                           arguments={"x-dead-letter-exchange": self.dead_letter_exchange})


async def _delivery(message: AbstractIncomingMessage) -> _RabbitDelivery | None:
    try:
        return _RabbitDelivery(message, Job.from_wire(message.body))
    except ValueError:
        log.error("message %s on %s is not a readable job; dead-lettering it", message.message_id,
                  message.routing_key)
        await message.reject(requeue=False)
        return None


class _RabbitDelivery:
    def __init__(self, message: AbstractIncomingMessage, job: Job) -> None:
        self.job = job
        self._message = message

    async def ack(self) -> None:
        await self._message.ack()

    async def retry(self) -> None:
        await self._message.nack(requeue=True)

    async def dead_letter(self) -> None:
        await self._message.reject(requeue=False)
