"""A WebRTC caller in Python (aiortc), as a browser would call: an Opus microphone track that speaks what
it is given at real time, the `oai-events` data channel, and the server's reply track recorded with
its arrival times. Used by the tests and by `talkline bench webrtc`."""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import time
from dataclasses import dataclass, field
from typing import Any

import av
import httpx
import numpy as np
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from talkline.audio import Pcm, resample
from talkline.realtime.webrtc.peer import tighten_jitter_buffer

RATE = 48000
FRAME_SAMPLES = 960
FRAME_BYTES = FRAME_SAMPLES * 2
VOICED_PEAK = 400  # a received frame louder than this carries reply audio (codec noise stays far below)


class Microphone(MediaStreamTrack):
    """Silence, or what `say` was given, in 20 ms frames at real time."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pending = bytearray()
        self._start: float | None = None
        self._pts = 0
        self.last_voiced_sent: float | None = None  # monotonic time the last frame of speech left
        self.spoken = asyncio.Event()

    def say(self, pcm: Pcm) -> None:
        self.spoken.clear()
        self._pending += resample(pcm, RATE).data

    async def recv(self) -> av.AudioFrame:
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += FRAME_SAMPLES
            await asyncio.sleep(max(0.0, self._start + self._pts / RATE - time.monotonic()))
        chunk = bytes(self._pending[:FRAME_BYTES])
        del self._pending[:FRAME_BYTES]
        if chunk and not self._pending:
            self.last_voiced_sent = time.monotonic()
            self.spoken.set()
        samples = np.frombuffer(chunk + bytes(FRAME_BYTES - len(chunk)), dtype=np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = RATE, self._pts, fractions.Fraction(1, RATE)
        return frame


@dataclass
class Speaker:
    """The server's track as heard: 48 kHz mono audio and when its voiced frames arrived."""

    audio: bytearray = field(default_factory=bytearray)
    voiced_at: list[float] = field(default_factory=list)
    voiced: asyncio.Event = field(default_factory=asyncio.Event)  # set at each voiced frame

    def first_voiced_after(self, moment: float) -> float | None:
        return next((at for at in self.voiced_at if at >= moment), None)

    async def wait_voiced_after(self, moment: float, timeout: float) -> float | None:
        """When the first voiced frame after `moment` arrived, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        while (heard := self.first_voiced_after(moment)) is None and (left := deadline - time.monotonic()) > 0:
            self.voiced.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.voiced.wait(), left)
        return heard

    def pcm(self) -> Pcm:
        return Pcm(bytes(self.audio), RATE)


@dataclass
class WebRtcCall:
    connection: RTCPeerConnection
    channel: Any
    microphone: Microphone
    speaker: Speaker
    call_id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def send(self, event: dict[str, Any]) -> None:
        self.channel.send(json.dumps(event))

    async def wait_for(self, kind: str, timeout: float = 20.0, after: int = 0) -> dict[str, Any]:
        """The first event of this type (from index `after` on)."""
        async def found() -> dict[str, Any]:
            async with self._arrived:
                while True:
                    match = next((e for e in self.events[after:] if e.get("type") == kind), None)
                    if match is not None:
                        return match
                    await self._arrived.wait()
        return await asyncio.wait_for(found(), timeout)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event.get("type") == kind]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.connection.close()

    async def _on_message(self, message: str | bytes) -> None:
        async with self._arrived:
            self.events.append(json.loads(message))
            self._arrived.notify_all()


async def offer_for(connection: RTCPeerConnection) -> str:
    offer = await connection.createOffer()
    await connection.setLocalDescription(offer)
    return connection.localDescription.sdp


async def call(base_url: str, key: str, *, model: str | None = None, session: dict[str, Any] | None = None,
               options: dict[str, str] | None = None, timeout: float = 20.0) -> WebRtcCall:
    """Offer, answer, and wait until the data channel is open. `options`: the profile's (query parameters,
    as on the WebSocket)."""
    connection = RTCPeerConnection()
    microphone = Microphone()
    connection.addTrack(microphone)
    channel = connection.createDataChannel("oai-events")
    speaker = Speaker()
    opened = asyncio.Event()
    channel.on("open", opened.set)
    tasks: list[asyncio.Task[None]] = []
    connection.on("track", lambda track: tasks.append(asyncio.create_task(_record(track, speaker))))
    sdp = await offer_for(connection)
    answer, location = await post_offer(base_url, key, sdp, model=model, session=session, options=options)
    await connection.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    tighten_jitter_buffer(connection)  # as a browser's adaptive buffer does on a clean link
    result = WebRtcCall(connection, channel, microphone, speaker, location.rsplit("/", 1)[-1], _tasks=tasks)
    channel.on("message", result._on_message)
    await asyncio.wait_for(opened.wait(), timeout)
    return result


async def post_offer(base_url: str, key: str, sdp: str, *, model: str | None = None,
                     session: dict[str, Any] | None = None, options: dict[str, str] | None = None
                     ) -> tuple[str, str]:
    """The answer and the call's Location; raises httpx.HTTPStatusError on a refusal."""
    headers = {"Authorization": f"Bearer {key}"}
    params = {**(options or {}), **({"model": model} if model else {})}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        if session is None:
            response = await client.post("/v1/realtime/calls", params=params, content=sdp,
                                         headers={**headers, "Content-Type": "application/sdp"})
        else:
            response = await client.post("/v1/realtime/calls", params=params, headers=headers, files={
                "sdp": (None, sdp.encode(), "application/sdp"),
                "session": (None, json.dumps(session).encode(), "application/json")})
    response.raise_for_status()
    return response.text, response.headers["location"]


async def _record(track: MediaStreamTrack, speaker: Speaker) -> None:
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return
        channels = len(frame.layout.channels)
        samples = frame.to_ndarray().reshape(-1, channels)[:, 0].astype(np.int16)
        if frame.sample_rate != RATE:
            samples = np.frombuffer(resample(Pcm(samples.tobytes(), frame.sample_rate), RATE).data, dtype=np.int16)
        speaker.audio += samples.tobytes()
        if samples.size and int(np.abs(samples).max()) > VOICED_PEAK:
            speaker.voiced_at.append(time.monotonic())
            speaker.voiced.set()


async def hang_up(base_url: str, key: str, call_id: str) -> int:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post(f"/v1/realtime/calls/{call_id}/hangup", headers={"Authorization": f"Bearer {key}"})
    return response.status_code


@contextlib.asynccontextmanager
async def open_call(base_url: str, key: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    active = await call(base_url, key, **kwargs)
    try:
        yield active
    finally:
        await active.close()
