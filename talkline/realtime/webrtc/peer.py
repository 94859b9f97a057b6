"""The peer connection of one call (aiortc): answer the offer, and wire its audio track and `oai-events`
data channel to the call's transport."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiortc import MediaStreamTrack, RTCDataChannel, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.exceptions import InvalidAccessError, InvalidStateError, OperationError
from aiortc.mediastreams import MediaStreamError

from talkline.realtime.webrtc.jitter import AudioJitterBuffer
from talkline.realtime.webrtc.offer import OfferError
from talkline.realtime.webrtc.playout import PlayoutTrack
from talkline.realtime.webrtc.transport import WebRtcTransport

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "oai-events"


def tighten_jitter_buffer(connection: RTCPeerConnection) -> None:
    """Incoming audio is decoded as soon as its packet is next in order (jitter.py), not after aiortc's
    4 later frames (80 ms on every turn), and a lost packet is waited for 80 ms, not 320. aiortc has no
    setting for it, so the receiver's buffer is replaced (pinned aiortc 1.16; a version without the
    attribute keeps its own)."""
    for transceiver in connection.getTransceivers():
        attribute = "_RTCRtpReceiver__jitter_buffer"
        if transceiver.kind == "audio" and hasattr(transceiver.receiver, attribute):
            setattr(transceiver.receiver, attribute, AudioJitterBuffer())


class CallPeer:
    def __init__(self, transport: WebRtcTransport) -> None:
        self.transport = transport
        self.connection = RTCPeerConnection()
        self._tasks: set[asyncio.Task[None]] = set()
        self.connection.on("datachannel", self._on_channel)
        self.connection.on("track", self._on_track)
        self.connection.on("connectionstatechange", self._on_state)

    async def answer(self, offer_sdp: str) -> str:
        """The SDP answer: Opus both ways, the server's reply on its own track."""
        try:
            await self.connection.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        except (ValueError, OperationError, InvalidStateError, InvalidAccessError) as exc:
            raise OfferError("invalid_offer", f"the SDP offer could not be used: {exc}") from None
        audio = next((t for t in self.connection.getTransceivers() if t.kind == "audio"), None)
        if audio is None:
            raise OfferError("invalid_offer", "the SDP offer has no audio section")
        opus = [codec for codec in RTCRtpSender.getCapabilities("audio").codecs if codec.name.lower() == "opus"]
        audio.setCodecPreferences(opus)
        audio.direction = "sendrecv"
        audio.sender.replaceTrack(PlayoutTrack(self.transport.playout))
        tighten_jitter_buffer(self.connection)
        answer = await self.connection.createAnswer()
        await self.connection.setLocalDescription(answer)
        return self.connection.localDescription.sdp

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await self.connection.close()

    def _on_channel(self, channel: RTCDataChannel) -> None:
        if channel.label != EVENTS_CHANNEL:
            return
        channel.on("message", self.transport.deliver)
        channel.on("open", self.transport.flush_channel)
        channel.on("close", self.transport.end)
        self.transport.attach_channel(channel)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            task = asyncio.create_task(self._listen(track), name="webrtc:audio-in")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _listen(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            self.transport.hear(frame)

    async def _on_state(self) -> None:
        if self.connection.connectionState in ("failed", "closed"):
            self.transport.end()
