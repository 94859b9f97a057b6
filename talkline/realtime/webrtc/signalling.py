"""`POST /v1/realtime/calls` (the SDP offer in, the answer out) and `POST /v1/realtime/calls/{id}/hangup`.

The offer comes as `application/sdp`, or as `multipart/form-data` with `sdp` and an optional `session`
(the shape of a client-secret request's session), with a server key or an `ek_` client secret, exactly
as OpenAI's GA WebRTC flow. The call then runs in the background under the same session engine as a
WebSocket; the `session` object reaches it as its first `session.update`. The query takes what the
WebSocket's does: `model`, the profile's options (`?scenario=mart`), `speculate`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from talkline.auth.credentials import key_from_headers
from talkline.auth.identity import Authenticator, AuthError, Caller
from talkline.http_errors import ApiError
from talkline.metrics import SESSIONS_REFUSED
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile
from talkline.protocol.realtime import ProtocolError, new_id
from talkline.protocol.realtime.errors import SESSION_LIMIT_REACHED
from talkline.realtime.admission import Admission, SessionLimitReached, Slot
from talkline.realtime.calls import CallRegistry, LiveCall
from talkline.realtime.locks import SessionLocks
from talkline.realtime.opening import open_session, query_options, speculate_choice
from talkline.realtime.session import RealtimeServices, initial_session
from talkline.realtime.webrtc.offer import MAX_OFFER_BYTES, OfferError, check_offer
from talkline.realtime.webrtc.peer import CallPeer
from talkline.realtime.webrtc.transport import WebRtcTransport

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 30.0  # a call whose data channel never opens is ended


def calls_router(services: Callable[[Profile], RealtimeServices], profiles: ProfileRegistry,
                 authenticator: Authenticator, admission: Admission, calls: CallRegistry) -> APIRouter:
    router = APIRouter()
    running: set[asyncio.Task[None]] = set()

    @router.post("/v1/realtime/calls")
    async def create_call(request: Request) -> Response:
        caller = await _authenticate(request, authenticator)
        offer, patch = await _read_offer(request)
        _check(offer)
        speculate = _speculate(request.query_params.get("speculate"))
        registered, profile, options = _profile(request.query_params.get("model") or patch.get("model"),
                                                query_options(request.query_params), caller, profiles)
        patch = {key: value for key, value in patch.items() if key != "model"}
        _check_locks(caller, profile, services(profile), patch)
        try:
            slot = admission.claim()
        except SessionLimitReached as exc:
            SESSIONS_REFUSED.labels(reason="capacity").inc()
            raise ApiError(429, str(exc), code=SESSION_LIMIT_REACHED) from None
        transport = WebRtcTransport(on_end=slot.release)
        peer = CallPeer(transport)
        try:
            answer = await peer.answer(offer)
            session = open_session(transport, services(profile), registered, profile, caller, beta=False,
                                   options=options, speculate=speculate)
        except BaseException as exc:  # nothing runs the call: free its slot and peer before answering
            transport.end()
            await peer.close()
            slot.release()
            if isinstance(exc, OfferError):
                raise ApiError(exc.status, exc.message, code=exc.code, param="sdp") from None
            raise
        if patch:
            transport.deliver(json.dumps({"type": "session.update", "session": {"type": "realtime", **patch}}))
        call = LiveCall(new_id("rtc"), caller.owner, transport)
        calls.add(call)
        task = asyncio.create_task(_run_call(call, session, peer, transport, calls, slot), name=call.id)
        running.add(task)
        task.add_done_callback(running.discard)
        return Response(answer, status_code=201, media_type="application/sdp",
                        headers={"Location": f"/v1/realtime/calls/{call.id}"})

    @router.post("/v1/realtime/calls/{call_id}/hangup")
    async def hang_up(call_id: str, request: Request) -> Response:
        caller = await _authenticate(request, authenticator)
        call = calls.get(call_id)
        if call is None or (caller.kind == "client_secret" and caller.owner != call.owner):
            raise ApiError(404, f"no live call '{call_id}'", code="call_not_found", param="call_id")
        call.line.end()
        return Response(status_code=200)

    return router


async def _run_call(call: LiveCall, session: Any, peer: CallPeer, transport: WebRtcTransport,
                    calls: CallRegistry, slot: Slot) -> None:
    """The session until the call ends (hang-up, peer gone, session limit), then the clean-up. The call's
    slot is free as soon as the call has ended (the transport releases it), as a WebSocket's is."""
    watchdog = asyncio.create_task(_end_unless_connected(transport))
    try:
        await session.run()
    except Exception:
        log.exception("call %s failed", call.id)
    finally:
        watchdog.cancel()
        transport.end()
        calls.remove(call.id)
        await peer.close()
        slot.release()


async def _end_unless_connected(transport: WebRtcTransport) -> None:
    await asyncio.sleep(CONNECT_TIMEOUT_S)
    if not transport.connected:
        log.info("a call's data channel never opened; ending it")
        transport.end()


async def _authenticate(request: Request, authenticator: Authenticator) -> Caller:
    key = key_from_headers(request.headers, (), request.query_params)
    try:
        return await authenticator.authenticate(key, request.client.host if request.client else None)
    except AuthError as exc:
        raise ApiError(exc.status, exc.message, code=exc.code) from None


async def _read_offer(request: Request) -> tuple[str, dict[str, Any]]:
    """The SDP offer and the optional session object, from either body shape."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_OFFER_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_OFFER_BYTES:
            raise _too_large()
    request._body = bytes(body)  # noqa: SLF001 - lets form() parse what was already read
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sdp":
        return _text(bytes(body)), {}
    if content_type == "multipart/form-data":
        return await _read_form(request)
    raise ApiError(415, f"unsupported content type '{content_type or 'none'}': send the SDP offer as "
                   "application/sdp, or multipart/form-data with 'sdp' and an optional 'session'",
                   code="unsupported_media_type")


async def _read_form(request: Request) -> tuple[str, dict[str, Any]]:
    form = await request.form()
    sdp, session = form.get("sdp"), form.get("session")
    if sdp is None:
        raise ApiError(400, "the form has no 'sdp' field", code="missing_required_parameter", param="sdp")
    patch: dict[str, Any] = {}
    if session is not None:
        try:
            patch = json.loads(await _field(session))
        except ValueError:
            raise ApiError(400, "'session' is not valid JSON", code="invalid_value", param="session") from None
        if not isinstance(patch, dict):
            raise ApiError(400, "'session' must be a JSON object", code="invalid_value", param="session")
    return await _field(sdp), patch


async def _field(value: str | UploadFile) -> str:
    return value if isinstance(value, str) else _text(await value.read())


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the SDP offer is not UTF-8 text", code="invalid_offer", param="sdp") from None


def _too_large() -> ApiError:
    return ApiError(413, f"the offer exceeds {MAX_OFFER_BYTES} bytes", code="request_too_large")


def _check(offer: str) -> None:
    try:
        check_offer(offer)
    except OfferError as exc:
        raise ApiError(exc.status, exc.message, code=exc.code, param="sdp") from None


def _speculate(value: str | None) -> bool | None:
    try:
        return speculate_choice(value)
    except ValueError as exc:
        raise ApiError(400, str(exc), code="invalid_value", param="speculate") from None


def _profile(requested: str | None, asked: dict[str, str], caller: Caller,
             profiles: ProfileRegistry) -> tuple[Profile, Profile, dict[str, str]]:
    """The registered profile and its variant for the options asked in the query (a client secret's win)."""
    try:
        registered = profiles.get(caller.profile_for(requested, profiles.names()))
    except UnknownProfile as exc:
        raise ApiError(404, str(exc), code="model_not_found", param="model") from None
    except AuthError as exc:
        raise ApiError(exc.status, exc.message, code=exc.code, param="model") from None
    options = caller.options_for(asked)
    try:
        return registered, registered.for_options(options), options
    except (LookupError, ValueError) as exc:
        raise ApiError(400, str(exc), code="invalid_value", param="options") from None


def _check_locks(caller: Caller, profile: Profile, services: RealtimeServices, patch: dict[str, Any]) -> None:
    """A client secret's call cannot widen what the secret fixes: refused here, before any media."""
    if not patch:
        return
    try:
        SessionLocks.for_caller(caller).check_update(initial_session(profile, services.settings, caller), patch)
    except ProtocolError as exc:
        raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
