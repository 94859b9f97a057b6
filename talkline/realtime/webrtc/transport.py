"""The WebRTC call as the session engine sees it: the same frames a WebSocket carries.

In: `oai-events` messages pass as they came; the caller's Opus audio becomes `input_audio_buffer.append`
frames in the session's input format. Out: events go to the data channel (and to sideband listeners),
except `response.output_audio.delta`, whose audio is queued on the playout track instead. What only a
WebRTC server can know is added here: `output_audio_buffer.started/stopped/cleared`, and on barge-in the
playout is cut and the item truncated (a `conversation.item.truncate` the transport sends the engine on
the caller's behalf) to what was actually played.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Callable
from typing import Any, Protocol

import av
import numpy as np

from talkline.audio import Pcm
from talkline.audio.low_delay import LowDelayRateMatcher
from talkline.audio.wire_formats import PCM16, WireFormat, decode_wire, encode_wire
from talkline.protocol.realtime import dump
from talkline.protocol.realtime.server_events import (
    OutputAudioBufferClearedEvent,
    OutputAudioBufferStartedEvent,
    OutputAudioBufferStoppedEvent,
)
from talkline.realtime.transport import ClientGone
from talkline.realtime.webrtc.playout import RATE, Playout, PlayoutEvents

log = logging.getLogger(__name__)

NOT_ON_DATA_CHANNEL = {"response.output_audio.delta", "response.audio.delta"}


class DataChannel(Protocol):
    readyState: str

    def send(self, data: str) -> None: ...


class WebRtcTransport:
    def __init__(self, on_end: Callable[[], None] | None = None) -> None:
        self.on_end = on_end  # called once the call has ended (frees its session slot at once)
        self.playout = Playout(PlayoutEvents(self._playout_started, self._playout_stopped))
        self._inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()
        self._channel: DataChannel | None = None
        self._unsent: list[str] = []
        self._listeners: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self._input_format: WireFormat = PCM16
        self._output_format: WireFormat = PCM16
        self._to_input = LowDelayRateMatcher(PCM16.rate)  # soxr's stream would keep back ~20 ms each way
        self._to_playout = LowDelayRateMatcher(RATE)
        self._interrupts = True
        self._cut: set[str] = set()  # responses cut off by barge-in or clear: late audio is dropped
        self.ended = asyncio.Event()

    # ── the engine's side (the Transport protocol) ─────────────────────────────────────────────

    async def receive(self) -> str | bytes | None:
        if self.ended.is_set() and self._inbox.empty():
            return None
        return await self._inbox.get()

    async def send(self, event: dict[str, Any]) -> None:
        if self.ended.is_set():
            raise ClientGone()
        kind = event.get("type", "")
        if kind in ("session.created", "session.updated"):
            self._follow_session(event.get("session") or {})
        elif kind in NOT_ON_DATA_CHANNEL:
            self._queue_audio(event)
            # a reply's audio comes as a burst of deltas that never waits: yield between them, so the playout
            # track sends the first frame now rather than once the whole burst has been queued
            await asyncio.sleep(0)
            return
        elif kind == "response.done":
            self.playout.finish(event.get("response", {}).get("id", ""))
        elif kind == "output_audio_buffer.cleared":
            self._cut_playout()
        self._publish(event)
        if kind == "input_audio_buffer.speech_started" and self._interrupts:
            self._barge_in()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.end()

    # ── the peer's side ────────────────────────────────────────────────────────────────────────

    @property
    def live(self) -> bool:
        return not self.ended.is_set()

    @property
    def connected(self) -> bool:
        return self._channel is not None and self._channel.readyState == "open"

    def attach_channel(self, channel: DataChannel) -> None:
        self._channel = channel
        self.flush_channel()

    def flush_channel(self) -> None:
        """Events sent before the data channel opened go out now, in order."""
        if not self.connected or self._channel is None:
            return
        unsent, self._unsent = self._unsent, []
        for text in unsent:
            self._channel.send(text)

    def deliver(self, message: str | bytes) -> None:
        """A client event from the data channel or a sideband connection."""
        if not self.ended.is_set():
            self._inbox.put_nowait(message)

    def hear(self, frame: av.AudioFrame) -> None:
        """One frame of the caller's audio, as an append in the session's input format."""
        if self.ended.is_set():
            return
        pcm = self._to_input.push(_mono(frame))
        if not pcm.data:
            return
        audio = base64.b64encode(encode_wire(self._input_format, pcm)).decode("ascii")
        self._inbox.put_nowait(json.dumps({"type": "input_audio_buffer.append", "audio": audio}))

    def listen(self) -> asyncio.Queue[dict[str, Any] | None]:
        """A sideband listener's queue of every event the call sends (None when the call ends)."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._listeners.add(queue)
        return queue

    def unlisten(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._listeners.discard(queue)

    def end(self) -> None:
        if self.ended.is_set():
            return
        self.ended.set()
        if self.on_end is not None:
            self.on_end()
        self.playout.clear()
        self._inbox.put_nowait(None)
        for queue in self._listeners:
            queue.put_nowait(None)

    # ── translation ────────────────────────────────────────────────────────────────────────────

    def _follow_session(self, session: dict[str, Any]) -> None:
        audio = session.get("audio") or {}
        try:
            input_format = WireFormat.parse((audio.get("input") or {}).get("format") or PCM16.to_ga())
            self._output_format = WireFormat.parse((audio.get("output") or {}).get("format") or PCM16.to_ga())
        except ValueError:
            return
        if input_format != self._input_format:
            self._input_format, self._to_input = input_format, LowDelayRateMatcher(input_format.rate)
        turn_detection = (audio.get("input") or {}).get("turn_detection")
        self._interrupts = bool(turn_detection) and turn_detection.get("interrupt_response", True) is not False

    def _queue_audio(self, event: dict[str, Any]) -> None:
        if event.get("response_id") in self._cut:
            return
        wire = base64.b64decode(event.get("delta", ""))
        pcm = self._to_playout.push(decode_wire(self._output_format, wire))
        self.playout.queue(event.get("response_id", ""), event.get("item_id", ""), pcm.data)

    def _barge_in(self) -> None:
        """The caller spoke over the reply: stop playing it, and keep only what was heard."""
        item_id = self.playout.current_item
        response_id = self._cut_playout()
        if response_id is None or item_id is None:
            return
        self._publish(dump(OutputAudioBufferClearedEvent(response_id=response_id)))
        self.deliver(json.dumps({"type": "conversation.item.truncate", "item_id": item_id, "content_index": 0,
                                 "audio_end_ms": self.playout.played_ms(item_id)}))

    def _cut_playout(self) -> str | None:
        response_id = self.playout.clear()
        self._to_playout.reset()
        if response_id is not None:
            self._cut.add(response_id)
        return response_id

    def _playout_started(self, response_id: str) -> None:
        self._publish(dump(OutputAudioBufferStartedEvent(response_id=response_id)))

    def _playout_stopped(self, response_id: str) -> None:
        self._publish(dump(OutputAudioBufferStoppedEvent(response_id=response_id)))

    def _publish(self, event: dict[str, Any]) -> None:
        text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        self._unsent.append(text)
        self.flush_channel()
        for queue in self._listeners:
            queue.put_nowait(event)


def _mono(frame: av.AudioFrame) -> Pcm:
    """A decoded frame (s16, packed, any channel count) as mono Pcm at its rate."""
    channels = len(frame.layout.channels)
    array = frame.to_ndarray()
    samples = array.T if frame.format.is_planar else array.reshape(-1, channels)
    if frame.format.name != "s16":
        samples = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
    mono = samples[:, 0] if channels == 1 else samples.mean(axis=1).astype(np.int16)
    return Pcm(mono.astype("<i2").tobytes(), frame.sample_rate)
