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
from talkline.metrics import SESSIONS, SESSIONS_REFUSED
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile
from talkline.protocol.realtime import dump, ga_server_to_beta
from talkline.protocol.realtime.errors import INVALID_API_KEY, SESSION_LIMIT_REACHED, error_event
from talkline.realtime.admission import Admission, SessionLimitReached
from talkline.realtime.handlers import router as event_router
from talkline.realtime.relay import RelayServices, RelaySession
from talkline.realtime.session import RealtimeServices, RealtimeSession
from talkline.realtime.transport import WebSocketTransport

log = logging.getLogger(__name__)

RESERVED_QUERY = {"model", "api-key", "call_id", "intent", "speculate"}
SWITCH = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}
POLICY_VIOLATION, TRY_AGAIN_LATER = 1008, 1013


def realtime_router(services: Callable[[Profile], RealtimeServices], profiles: ProfileRegistry,
                    authenticator: Authenticator, admission: Admission) -> APIRouter:
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
        try:
            registered = profiles.get(_model(websocket.query_params.get("model"), caller, profiles))
        except UnknownProfile as exc:
            await refusal.send("model_not_found", str(exc), param="model")
            return
        except ValueError as exc:
            await refusal.send(INVALID_API_KEY, str(exc), param="model")
            return
        speculate = websocket.query_params.get("speculate")
        if speculate is not None and speculate.lower() not in SWITCH:
            await refusal.send("invalid_value", "speculate must be on or off", param="speculate")
            return
        options = {k: v for k, v in websocket.query_params.items() if k not in RESERVED_QUERY}
        options.update(caller.options)
        try:
            profile = registered.for_options(options)
        except (LookupError, ValueError) as exc:
            await refusal.send("invalid_value", f"{exc}", param="options")
            return
        try:
            with admission.admit():
                SESSIONS.inc()
                try:
                    await _session(websocket, services(profile), registered, profile, caller, beta=beta,
                                   options=options, speculate=SWITCH.get((speculate or "").lower())).run()
                finally:
                    SESSIONS.dec()
        except SessionLimitReached as exc:
            SESSIONS_REFUSED.labels(reason="capacity").inc()
            await refusal.send(SESSION_LIMIT_REACHED, str(exc), close_code=TRY_AGAIN_LATER)

    return router


def _session(websocket: WebSocket, services: RealtimeServices, registered: Profile, profile: Profile,
             caller: Caller, *, beta: bool, options: dict[str, str], speculate: bool | None = None
             ) -> RealtimeSession | RelaySession:
    """The relay if the registered profile names an upstream (variants made by options keep its engines)."""
    transport = WebSocketTransport(websocket)
    upstream = registered.engines.relay
    if upstream is not None:
        return RelaySession(transport, RelayServices(services.settings, services.store), upstream, profile, caller,
                            beta=beta, options=options)
    return RealtimeSession(transport, services, profile, caller, beta=beta, router=event_router, options=options,
                           speculate=speculate)


def _model(requested: str | None, caller: Caller, profiles: ProfileRegistry) -> str | None:
    """A client secret fixes the profile; a URL naming another one is refused."""
    bound = (caller.bound_session or {}).get("model")
    if bound and requested and requested != bound and requested in profiles.names():
        raise ValueError(f"this client secret was minted for model '{bound}', not '{requested}'")
    return bound or requested


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
