"""The `/v1/realtime` WebSocket: handshake (auth, dialect, subprotocol, profile), admission, session.

`?speculate=off` (or `on`) overrides the server's `speculative_replies` for one session (a Talkline extension).
A profile whose engines name an upstream Realtime service (`[profiles.NAME.realtime] kind = "relay"`)
is served by a RelaySession; every other by the local RealtimeSession.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter, WebSocket

from talkline.auth.credentials import is_beta, key_from_headers, select_subprotocol
from talkline.auth.identity import Authenticator, AuthError, Caller
from talkline.metrics import SESSIONS_REFUSED
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile
from talkline.protocol.realtime import dump, ga_server_to_beta
from talkline.protocol.realtime.errors import INVALID_API_KEY, SESSION_LIMIT_REACHED, error_event
from talkline.realtime.admission import Admission, SessionLimitReached
from talkline.realtime.calls import CallRegistry
from talkline.realtime.opening import open_session, query_options, speculate_choice
from talkline.realtime.session import RealtimeServices
from talkline.realtime.sideband import attach
from talkline.realtime.transport import WebSocketTransport

log = logging.getLogger(__name__)

POLICY_VIOLATION, TRY_AGAIN_LATER = 1008, 1013


def realtime_router(services: Callable[[Profile], RealtimeServices], profiles: ProfileRegistry,
                    authenticator: Authenticator, admission: Admission,
                    calls: CallRegistry | None = None) -> APIRouter:
    """`services` is called per connection with the session's profile (whose pipeline it gives): models may
    still be loading when the router is built."""
    router = APIRouter()

    @router.websocket("/v1/realtime")
    @router.websocket("/v1/realtime/")
    async def realtime(websocket: WebSocket) -> None:
        offered = list(websocket.scope.get("subprotocols") or [])
        beta = is_beta(websocket.headers, offered)
        await websocket.accept(subprotocol=select_subprotocol(offered))
        refusal = _Refusal(websocket, beta)
        key = key_from_headers(websocket.headers, offered, websocket.query_params)
        try:
            caller = await authenticator.authenticate(key, websocket.client.host if websocket.client else None)
        except AuthError as exc:
            await refusal.send(exc.code if exc.code != "forbidden" else INVALID_API_KEY, exc.message)
            return
        if "call_id" in websocket.query_params:
            await _sideband(websocket, refusal, caller, websocket.query_params["call_id"], calls)
            return
        try:
            registered = profiles.get(caller.profile_for(websocket.query_params.get("model"), profiles.names()))
        except UnknownProfile as exc:
            await refusal.send("model_not_found", str(exc), param="model")
            return
        except AuthError as exc:
            await refusal.send(exc.code, exc.message, param="model")
            return
        try:
            speculate = speculate_choice(websocket.query_params.get("speculate"))
        except ValueError as exc:
            await refusal.send("invalid_value", str(exc), param="speculate")
            return
        options = caller.options_for(query_options(websocket.query_params))
        try:
            profile = registered.for_options(options)
        except (LookupError, ValueError) as exc:
            await refusal.send("invalid_value", f"{exc}", param="options")
            return
        try:
            slot = admission.claim()
        except SessionLimitReached as exc:
            SESSIONS_REFUSED.labels(reason="capacity").inc()
            await refusal.send(SESSION_LIMIT_REACHED, str(exc), close_code=TRY_AGAIN_LATER)
            return
        try:
            transport = WebSocketTransport(websocket, on_gone=slot.release)
            await open_session(transport, services(profile), registered, profile, caller, beta=beta,
                               options=options, speculate=speculate).run()
        finally:
            slot.release()

    return router


async def _sideband(websocket: WebSocket, refusal: _Refusal, caller: Caller, call_id: str,
                    calls: CallRegistry | None) -> None:
    """Attach to a live call (server key only)."""
    if caller.kind == "client_secret":
        await refusal.send(INVALID_API_KEY, "attaching to a call needs the server key, not a client secret",
                           param="call_id")
        return
    call = calls.get(call_id) if calls is not None else None
    if call is None:
        await refusal.send("call_not_found", f"no live call '{call_id}'", param="call_id")
        return
    await attach(websocket, call)


class _Refusal:
    """A refused connection still gets a typed `error` event before it is closed."""

    def __init__(self, websocket: WebSocket, beta: bool) -> None:
        self.websocket, self.beta = websocket, beta

    async def send(self, error_code: str, message: str, *, param: str | None = None,
                   close_code: int = POLICY_VIOLATION) -> None:
        frame = dump(error_event(error_code, message, param=param))
        frame = ga_server_to_beta(frame) if self.beta else frame
        transport = WebSocketTransport(self.websocket)
        try:
            await transport.send(frame or {})
        except Exception:
            log.debug("client left before its refusal was sent")
        await transport.close(close_code, error_code)
