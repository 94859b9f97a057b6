"""A call on a bad network: 5 % packet loss and 40 ± 20 ms of delay (so jitter and reordering), both ways.
The call survives and the answer is played to its end; the latency (last voiced sample sent to first reply
audio) is printed beside the WebSocket's on the same link.

The link is the test's own (netns.py): a network namespace and a veth pair on 10.213.x.x/30, removed
afterwards. The server listens on the host's end, the client runs inside the namespace, so the call's HTTP,
ICE, DTLS, SRTP and data channel (and the WebSocket, in the comparison) all cross the veth.

- Kernel-level: the loss. nftables drops 5 % of the IP packets (`numgen random`) at the ingress of each
  veth end, so both ways, and the sender never learns of it: a lost RTP packet is gone, a lost TCP
  segment is sent again by TCP, which is what the WebSocket comparison is about.
- Kernel-held, user-timed: the delay and jitter. `tc netem` would be the tool, but this machine's kernel
  has no netem qdisc (nor fq, nor nftables' `queue`), so every packet crossing the namespace's end goes to
  an NFQUEUE and delay_queue.py lets it go on after 40 ± 20 ms; packets overtake one another.

The link needs root, `ip`, `nstat`, `nft` and `iptables` (scripts/test installs iproute2, nftables and
iptables): without them these tests fail with the reason, they do not skip."""

from __future__ import annotations

import asyncio
import base64
import difflib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from talkline.audio import Pcm
from talkline.bench.webrtc import RATE, _voiced
from talkline.bench.webrtc_client import open_call
from talkline.engines.base import Engines
from talkline.engines.fake import tones
from talkline.engines.fake.speech import FakeSTT
from tests.servers import live_server
from tests.webrtc.conftest import API_KEY
from tests.webrtc.netns import Impairment, impaired_link

QUESTION = "Where do batteries go?"
BAD = Impairment(loss=0.05, delay_ms=40, jitter_ms=20)


@dataclass(frozen=True)
class WebRtcHeard:
    question: str  # the server's transcript of what was said
    response: dict[str, Any]  # response.done's
    stopped: dict[str, Any]  # output_audio_buffer.stopped
    latency_ms: float  # last voiced sample sent to first reply audio heard
    audio: Pcm
    voiced_ms: float


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, "".join(a.split()), "".join(b.split())).ratio()


async def _webrtc_call(base_url: str) -> WebRtcHeard:
    async with open_call(base_url, API_KEY, model="eco", timeout=40) as call:
        await call.wait_for("session.created", timeout=40)
        call.send({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {
            "transcription": {"model": "whisper-1", "language": "en"}}}}})
        call.microphone.say(tones.encode(QUESTION, RATE))
        await call.wait_for("conversation.item.input_audio_transcription.completed", timeout=40)
        sent = call.microphone.last_voiced_sent or time.monotonic()
        first_heard = await call.speaker.wait_voiced_after(sent, 40)
        done = (await call.wait_for("response.done", timeout=60))["response"]
        stopped = await call.wait_for("output_audio_buffer.stopped", timeout=60)
        await call.speaker.wait_voiced_after(time.monotonic() + 10, 0.6)  # the last frames in flight
    question = call.of_type("conversation.item.input_audio_transcription.completed")[0]["transcript"]
    latency = (first_heard - sent) * 1000 if first_heard is not None else float("nan")
    return WebRtcHeard(question, done, stopped, latency, call.speaker.pcm(), 20.0 * len(call.speaker.voiced_at))


async def test_a_webrtc_call_survives_loss_and_jitter(tmp_path: Path, fake_engines: Engines,
                                                      eco_models: None) -> None:
    with impaired_link(BAD) as link:
        async with live_server(tmp_path, fake_engines, api_keys=API_KEY, host=link.host_address) as server:
            heard = await link.run_inside(lambda: _webrtc_call(server.http_url))
        report = link.report()
    message = next(item for item in heard.response["output"] if item["type"] == "message")
    answer = message["content"][0]["transcript"]
    answer_as_heard = (await FakeSTT().transcribe(heard.audio)).text
    answer_ms = tones.encode(answer, RATE).duration_ms
    print(f"\nWebRTC through {link.device}, {BAD}: {report}; first reply audio "
          f"{heard.latency_ms:.0f} ms after the last voiced sample; {heard.voiced_ms:.0f} ms of the answer's "
          f"{answer_ms:.0f} ms heard ({heard.voiced_ms / answer_ms:.0%}); answer as heard matches "
          f"{_similar(answer_as_heard, answer):.0%}; question as heard matches {_similar(heard.question, QUESTION):.0%}")
    assert report.dropped > 0 and report.delayed > 0  # the call crossed the impaired link
    assert heard.response["status"] == "completed"
    assert heard.stopped["response_id"] == heard.response["id"]  # played to its end, not cut
    # the fake STT reads bytes from 45 ms tones: each lost 20 ms frame costs a letter or two (seen: 75–100 %)
    assert _similar(heard.question, QUESTION) >= 0.6
    # the answer's audio arrived but for what was lost: the network's 5 %, and as much again that aiortc's
    # receiving jitter buffer drops after a loss (it releases one frame per packet, so a backlog is cut
    # when it overflows; a browser's NetEQ does not), so the test client hears 83–92 % of the frames
    assert heard.voiced_ms >= 0.7 * answer_ms
    assert _similar(answer_as_heard, answer) >= 0.75


@dataclass(frozen=True)
class WebSocketHeard:
    response: dict[str, Any]
    audio: bytes
    latency_ms: float


async def _websocket_call(url: str) -> WebSocketHeard:
    speech = tones.encode(QUESTION, RATE)
    step = RATE // 50 * 2
    async with connect(url, max_size=None, additional_headers={"Authorization": f"Bearer {API_KEY}"}) as socket:
        for start in range(0, len(speech.data), step):
            await socket.send(json.dumps({"type": "input_audio_buffer.append",
                                          "audio": base64.b64encode(speech.data[start:start + step]).decode()}))
            await asyncio.sleep(0.02)  # at real time, as a microphone
        last_voiced = time.monotonic()
        silence = base64.b64encode(bytes(step)).decode()
        first_audio, audio, done = None, bytearray(), None
        while done is None:
            await socket.send(json.dumps({"type": "input_audio_buffer.append", "audio": silence}))
            while True:
                try:
                    event = json.loads(await asyncio.wait_for(socket.recv(), 0.02))
                except TimeoutError:
                    break
                if event["type"] == "response.output_audio.delta":
                    chunk = base64.b64decode(event["delta"])
                    audio += chunk
                    if first_audio is None and _voiced(chunk):
                        first_audio = time.monotonic()
                elif event["type"] == "response.done":
                    done = event["response"]
    latency = (first_audio - last_voiced) * 1000 if first_audio is not None else float("nan")
    return WebSocketHeard(done, bytes(audio), latency)


async def test_the_websocket_under_the_same_conditions(tmp_path: Path, fake_engines: Engines,
                                                       eco_models: None) -> None:
    with impaired_link(BAD) as link:
        async with live_server(tmp_path, fake_engines, api_keys=API_KEY, host=link.host_address) as server:
            heard = await link.run_inside(lambda: _websocket_call(f"{server.ws_url}/v1/realtime?model=eco"))
        report = link.report()
    message = next(item for item in heard.response["output"] if item["type"] == "message")
    answer = message["content"][0]["transcript"]
    print(f"\nWebSocket through {link.device}, {BAD}: {report}; first reply audio {heard.latency_ms:.0f} ms "
          "after the last voiced sample")
    assert report.dropped > 0 and report.retransmitted > 0  # the socket crossed the impaired link
    assert heard.response["status"] == "completed"
    # TCP delivers every byte, late: the answer is heard whole
    assert _similar((await FakeSTT().transcribe(Pcm(heard.audio, RATE))).text, answer) >= 0.99
