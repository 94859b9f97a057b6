"""One relayed Realtime session: the client's WebSocket on one side, the upstream's on the other.

Two pumps move events, each translated between the client's dialect and the upstream's. On the way
the gateway applies what it owns (policy.py: the client's view of its session, client-secret locks,
server tools and instructions given to the upstream), answers the upstream's calls of server tools
(tools.py), keeps the conversation for the transcript and for replays (mirror.py), and replaces the
upstream session before its cap (renewal.py). Events that need none of this pass as they came.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed

from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry
from talkline.auth.identity import Caller
from talkline.metrics import ERRORS, RELAY_FORWARD_SECONDS, RELAY_UPSTREAM_FAILURES, SESSIONS_REFUSED
from talkline.profiles.base import Profile
from talkline.profiles.engines import RelayUpstream
from talkline.protocol.realtime import ProtocolError, dump, ga_server_to_beta, new_id, parse_client_event
from talkline.protocol.realtime.client_events import ResponseCreateEvent, SessionUpdateEvent
from talkline.protocol.realtime.errors import (
    FRAME_TOO_LARGE,
    INVALID_EVENT,
    INVALID_JSON,
    SERVER_ERROR,
    SERVER_ERROR_CODE,
    SESSION_EXPIRED,
)
from talkline.protocol.realtime.formats import bytes_per_ms
from talkline.realtime.recorder import CallRecorder
from talkline.realtime.relay.dialect import Dialects
from talkline.realtime.relay.mirror import ConversationMirror
from talkline.realtime.relay.policy import TRANSCRIPTION_EVENTS, SessionPolicy
from talkline.realtime.relay.renewal import RenewalSchedule, replay
from talkline.realtime.relay.tools import ServerToolCalls
from talkline.realtime.relay.upstream import UPSTREAM_REFUSED, UpstreamLink, UpstreamUnavailable, open_link
from talkline.realtime.session import MAX_FRAME_BYTES
from talkline.realtime.transport import ClientGone, Transport
from talkline.settings import Settings
from talkline.store import Store

log = logging.getLogger(__name__)

UPSTREAM_UNAVAILABLE = "upstream_unavailable"
UPSTREAM_DISCONNECTED = "upstream_disconnected"
TRY_AGAIN_LATER, INTERNAL_ERROR = 1013, 1011
POLICED_EVENTS = ("session.update", "transcription_session.update", "response.create")
UPSTREAM_SESSION_EVENTS = ("session.created", "session.updated", "transcription_session.updated")
_TO_UPSTREAM = RELAY_FORWARD_SECONDS.labels(direction="client_to_upstream")
_TO_CLIENT = RELAY_FORWARD_SECONDS.labels(direction="upstream_to_client")


@dataclass(frozen=True)
class RelayServices:
    settings: Settings
    store: Store | None = None  # where call transcripts go


class RelaySession:
    def __init__(self, transport: Transport, services: RelayServices, upstream: RelayUpstream, profile: Profile,
                 caller: Caller, *, beta: bool, options: dict[str, Any] | None = None) -> None:
        self.transport = transport
        self.services = services
        self.upstream = upstream
        self.profile = profile
        self.caller = caller
        self.beta = beta
        self.options = {**profile.options, **(options or {})}
        self.policy = SessionPolicy(profile, services.settings, caller, upstream)
        self.recorder = CallRecorder()
        self.mirror = ConversationMirror(self.recorder, self._output_bytes_per_ms)
        runs_tools = not upstream.tools_run_upstream(profile.name)
        self.tools = ServerToolCalls(profile.tools if runs_tools else ToolRegistry(), ToolLedger(), ToolContext(
            owner=caller.owner, language=profile.language, options=self.options), self._to_upstream)
        self.link: UpstreamLink | None = None
        self.same_dialect = beta == (upstream.dialect == "beta")
        self._upstream_lock = asyncio.Lock()  # one sender at a time; held while the upstream is replaced
        self._client_lock = asyncio.Lock()
        self._ended = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────

    async def run(self) -> None:
        try:
            self.link = await open_link(self.upstream, self.policy.upstream_update(), client_beta=self.beta,
                                        options=self._upstream_options())
        except UpstreamUnavailable as exc:
            await self._refuse(exc)
            return
        try:
            await self._send_client_ga({"type": "session.created", "event_id": new_id("event"),
                                        "session": self.policy.client_session(self.link.session)})
            self._spawn(self._from_upstream(self.link), "relay-upstream")
            self._spawn(self._from_client(), "relay-client")
            self._spawn(RenewalSchedule(self.upstream.max_seconds, self.upstream.reconnect_margin_seconds,
                                        self._quiet, self._renew).run(self.link.opened_at), "relay-renewal")
            self._spawn(self._expire(), "relay-expiry")
            await self._ended.wait()
        finally:
            await self.close()

    async def close(self) -> None:
        self._ended.set()
        for task in list(self._tasks):
            task.cancel()
        if self.link is not None:
            with contextlib.suppress(Exception):
                await self.link.close()
        await self.tools.close()
        if self.services.store is not None:
            await self.recorder.save(self.services.store, owner=self.caller.owner, profile=self.profile.name,
                                     conversation=self.mirror.conversation, session_id=self.policy.config.id,
                                     options=self.options, finish=self.profile.finish_call)

    def _spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("the relay's %s task failed", task.get_name(), exc_info=task.exception())
            self._ended.set()

    # ── client → upstream ───────────────────────────────────────────────────────────────────────

    async def _from_client(self) -> None:
        try:
            while (frame := await self.transport.receive()) is not None:
                received = time.perf_counter()
                if await self._client_frame(frame):
                    _TO_UPSTREAM.observe(time.perf_counter() - received)
        finally:
            self._ended.set()

    async def _client_frame(self, frame: str | bytes) -> bool:
        """Forward one client event; a bad or refused one gets an `error` event instead. True if forwarded."""
        event_id = None
        try:
            data = _json_object(frame)
            event_id = data.get("event_id") if isinstance(data.get("event_id"), str) else None
            kind = data.get("type")
            if kind in POLICED_EVENTS:
                await self._to_upstream(self._policed(parse_client_event(frame, beta=self.beta)))
                return True
            if kind == "input_audio_buffer.append":
                self.mirror.client_appended(manual_turns=self.policy.config.audio.input.turn_detection is None)
            if self.same_dialect:
                await self._send_upstream(data)
            else:
                await self._to_upstream(self._dialects().client_to_ga(data))
            return True
        except ProtocolError as exc:
            await self._send_error(exc.with_event_id(event_id))
        except Exception:
            log.exception("relaying a client event failed")
            await self._send_error(ProtocolError(SERVER_ERROR_CODE, "the server failed to relay this event",
                                                 event_id=event_id, type=SERVER_ERROR))
        return False

    def _policed(self, event: Any) -> dict[str, Any]:
        if isinstance(event, SessionUpdateEvent):
            return self.policy.session_update(event)
        if isinstance(event, ResponseCreateEvent):
            return self.policy.response_create(event)
        raise TypeError(f"no policy for {event.type}")

    async def _to_upstream(self, event: dict[str, Any]) -> None:
        """Send a GA event upstream, in the upstream's dialect."""
        async with self._upstream_lock:
            await self._send_on_link(self._dialects().ga_to_upstream(event))

    async def _send_upstream(self, event: dict[str, Any]) -> None:
        """Send an event already in the upstream's dialect."""
        async with self._upstream_lock:
            await self._send_on_link(event)

    async def _send_on_link(self, event: dict[str, Any]) -> None:
        try:
            await self._link().send(event)
        except ConnectionClosed:
            log.debug("an event for the upstream was dropped: the upstream has gone")  # its pump reports it

    def _dialects(self) -> Dialects:
        return self._link().dialects

    def _link(self) -> UpstreamLink:
        if self.link is None:
            raise RuntimeError("the upstream session is not open")  # pumps start only once it is
        return self.link

    # ── upstream → client ───────────────────────────────────────────────────────────────────────

    async def _from_upstream(self, link: UpstreamLink) -> None:
        while (data := await link.receive()) is not None:
            received = time.perf_counter()
            try:
                if await self._upstream_event(link, data):
                    _TO_CLIENT.observe(time.perf_counter() - received)
            except Exception:  # one odd upstream event must not end the call
                log.exception("relaying a %s event from the upstream failed; it was dropped", data.get("type"))
        if not link.retired:
            RELAY_UPSTREAM_FAILURES.labels(reason="lost").inc()
            await self._send_error(ProtocolError(UPSTREAM_DISCONNECTED, "the upstream Realtime service ended the "
                                                 "session", type=SERVER_ERROR))
            with contextlib.suppress(Exception):
                await self.transport.close(INTERNAL_ERROR, UPSTREAM_DISCONNECTED)
            self._ended.set()

    async def _upstream_event(self, link: UpstreamLink, data: dict[str, Any]) -> bool:
        """Observe one upstream event and pass it on; True if anything went to the client."""
        events = link.dialects.upstream_to_ga(data)
        for event in events:
            self.mirror.observe(event)
            self.tools.observe(event)
        kind = data.get("type")
        if kind in TRANSCRIPTION_EVENTS and not self.policy.transcribing:
            return False  # transcripts the gateway asked for, not the client
        if self.same_dialect and kind not in UPSTREAM_SESSION_EVENTS:
            await self._send_client(data)
            return True
        sent = False
        for event in events:
            if event.get("type") in UPSTREAM_SESSION_EVENTS:
                event = {**event, "session": self.policy.client_session(event.get("session") or {})}
            translated = link.dialects.ga_to_client(event)
            if translated is not None:
                await self._send_client(translated)
                sent = True
        return sent

    async def _send_client(self, event: dict[str, Any]) -> None:
        async with self._client_lock:
            try:
                await self.transport.send(event)
            except ClientGone:
                self._ended.set()

    async def _send_client_ga(self, event: dict[str, Any]) -> None:
        """Send an event of the gateway's own (GA) in the client's dialect."""
        translated = ga_server_to_beta(event) if self.beta else event
        if translated is not None:
            await self._send_client(translated)

    async def _send_error(self, error: ProtocolError) -> None:
        ERRORS.labels(surface="relay", code=error.code).inc()
        await self._send_client_ga(dump(error.to_event()))

    # ── the upstream session ────────────────────────────────────────────────────────────────────

    async def _refuse(self, failure: UpstreamUnavailable) -> None:
        log.warning("relayed session of %s refused: %s", self.profile.name, failure.message)
        RELAY_UPSTREAM_FAILURES.labels(reason=failure.reason).inc()
        SESSIONS_REFUSED.labels(reason="upstream").inc()
        await self._send_error(ProtocolError(failure.client_code, failure.message, type=SERVER_ERROR))
        with contextlib.suppress(Exception):  # a refused configuration will not heal by trying again
            await self.transport.close(INTERNAL_ERROR if failure.client_code == UPSTREAM_REFUSED else TRY_AGAIN_LATER,
                                       failure.client_code)

    def _upstream_options(self) -> dict[str, str]:
        """A Talkline upstream that runs the profile's tools gets the session's profile options too (as
        query parameters, as a client would give them)."""
        if not self.upstream.tools_run_upstream(self.profile.name):
            return {}
        return {str(k): str(v) for k, v in self.options.items() if isinstance(v, str | int | float)}

    def _quiet(self) -> bool:
        return not (self.mirror.busy or self.tools.busy)

    async def _renew(self) -> UpstreamLink | None:
        """Replace the upstream session by a fresh one holding the same conversation; None if not now.

        The new session is opened while the old one still serves; only the replay and the swap hold the
        client's events back (they wait, in order, and then go to the new session)."""
        configured = self.policy.version
        try:
            link = await open_link(self.upstream, self.policy.upstream_update(), client_beta=self.beta,
                                   options=self._upstream_options())
        except UpstreamUnavailable as exc:
            log.warning("renewing the upstream session failed: %s", exc.message)
            return None
        async with self._upstream_lock:
            if not self._quiet() or self.policy.version != configured:  # something began meanwhile: later
                await link.close()
                return None
            try:
                await replay(link, self.mirror.replay())
            except (UpstreamUnavailable, ConnectionClosed) as exc:
                log.warning("replaying the conversation into a new upstream session failed: %s", exc)
                await link.close()
                return None
            old, self.link = self.link, link
            self._spawn(self._from_upstream(link), "relay-upstream")
            if old is not None:
                await old.close()
            return link

    async def _expire(self) -> None:
        expires_at = self.policy.config.expires_at or 0
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self._send_error(ProtocolError(SESSION_EXPIRED, "Your session hit the maximum duration of "
                                             f"{self.services.settings.session_max_seconds} seconds."))
        with contextlib.suppress(Exception):
            await self.transport.close(1000, "session expired")
        self._ended.set()

    def _output_bytes_per_ms(self) -> int:
        return bytes_per_ms(self.policy.config.audio.output.format)


def _json_object(frame: str | bytes) -> dict[str, Any]:
    if len(frame) > MAX_FRAME_BYTES:
        raise ProtocolError(FRAME_TOO_LARGE, f"frame of {len(frame)} bytes exceeds the limit of {MAX_FRAME_BYTES} "
                            "bytes; send audio in smaller appends")
    try:
        data = json.loads(frame)
    except ValueError as exc:
        raise ProtocolError(INVALID_JSON, f"The message is not valid JSON: {exc}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError(INVALID_EVENT, "An event must be a JSON object with a string 'type'.", param="type")
    return data
