"""One connection to the upstream Realtime service: opened with the gateway's own key, configured, then
JSON events both ways.

The key goes only into the upgrade request's header; the WebSocket library's own logger, which
writes request headers at DEBUG level, is pinned above DEBUG so that the key never reaches a log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from talkline.profiles.engines import RelayUpstream
from talkline.realtime.relay.dialect import Dialects

log = logging.getLogger(__name__)
_WIRE_LOG = logging.getLogger("talkline.realtime.relay.wire")
_WIRE_LOG.setLevel(logging.INFO)  # its DEBUG lines would show the upgrade request's Authorization header
_SESSION_EVENTS = ("session.created", "session.updated", "transcription_session.updated")
UPSTREAM_REFUSED = "upstream_refused_session"  # the upstream answered and refused this session's configuration


class UpstreamUnavailable(Exception):
    """The upstream cannot serve the session. `reason` is a short code (for metrics); the message says what
    happened in words a client may see: it never holds the key."""

    def __init__(self, message: str, reason: str, client_code: str = "upstream_unavailable") -> None:
        super().__init__(message)
        self.message, self.reason, self.client_code = message, reason, client_code


class UpstreamLink:
    """An open, configured upstream session."""

    def __init__(self, connection: ClientConnection, dialects: Dialects, session: dict[str, Any]) -> None:
        self.connection = connection
        self.dialects = dialects
        self.session = session  # the upstream's session after configuration, in GA terms
        self.opened_at = time.monotonic()
        self.retired = False  # closed on purpose (replaced or the call ended): its end is no loss

    async def send(self, event: Mapping[str, Any]) -> None:
        """Raises ConnectionClosed once the upstream has gone."""
        await self.connection.send(json.dumps(event, ensure_ascii=False, separators=(",", ":")))

    async def receive(self) -> dict[str, Any] | None:
        """The next event, or None once the upstream has closed."""
        while True:
            try:
                frame = await self.connection.recv()
            except ConnectionClosed:
                return None
            try:
                event = json.loads(frame)
            except ValueError:
                log.warning("the upstream sent a frame that is not JSON; it was dropped")
                continue
            if isinstance(event, dict):
                return event

    async def close(self) -> None:
        self.retired = True
        await self.connection.close()


async def open_link(config: RelayUpstream, update: Mapping[str, Any], *, client_beta: bool,
                    options: Mapping[str, str] | None = None) -> UpstreamLink:
    """Connect, wait for the upstream's session, send `update` (a GA `session.update`), wait until it is
    applied. Raises UpstreamUnavailable, with the reason, if any step fails or takes too long."""
    dialects = Dialects(client_beta=client_beta, upstream_beta=config.dialect == "beta")
    connection: ClientConnection | None = None
    try:
        async with asyncio.timeout(config.connect_timeout_s):
            connection = await connect(_url(config, options or {}), additional_headers=_headers(config), compression=None,
                                       max_size=None, open_timeout=None, logger=_WIRE_LOG,
                                       user_agent_header="Talkline relay")
            await _session_event(connection, dialects, config)
            await connection.send(json.dumps(dialects.ga_to_upstream(update)))
            session = await _session_event(connection, dialects, config)
    except UpstreamUnavailable:
        await _quietly_close(connection)
        raise
    except TimeoutError:
        await _quietly_close(connection)
        raise UpstreamUnavailable(f"the upstream at {config.host} did not open a session within "
                                  f"{config.connect_timeout_s:g} s", "timeout") from None
    except InvalidStatus as exc:
        status = exc.response.status_code
        raise UpstreamUnavailable(f"the upstream at {config.host} refused the connection (HTTP {status})",
                                  "refused" if status in (401, 403) else f"http_{status}") from None
    except (OSError, InvalidHandshake, InvalidURI) as exc:
        raise UpstreamUnavailable(f"cannot reach the upstream at {config.host}: {exc.__class__.__name__}",
                                  "unreachable") from None
    return UpstreamLink(connection, dialects, session)


async def _session_event(connection: ClientConnection, dialects: Dialects, config: RelayUpstream) -> dict[str, Any]:
    """The session of the next session event (GA terms); an `error` or a close first is a refusal."""
    while True:
        try:
            frame = await connection.recv()
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
            raise UpstreamUnavailable(f"the upstream at {config.host} closed the session (code {code})",
                                      "closed") from None
        try:
            received = json.loads(frame)
        except ValueError:
            raise UpstreamUnavailable(f"the upstream at {config.host} does not speak the Realtime protocol "
                                      "(a frame that is not JSON)", "protocol") from None
        for event in dialects.upstream_to_ga(received) if isinstance(received, dict) else ():
            if event.get("type") == "error":
                raise _refusal(event.get("error") or {}, config)
            if event.get("type") in _SESSION_EVENTS and isinstance(event.get("session"), dict):
                return event["session"]


def _refusal(error: Mapping[str, Any], config: RelayUpstream) -> UpstreamUnavailable:
    code = str(error.get("code") or error.get("type") or "error")
    if code in ("invalid_api_key", "missing_api_key", "forbidden", "client_secret_expired"):
        return UpstreamUnavailable(f"the upstream at {config.host} refused the gateway's credentials ({code})",
                                   "refused")
    message = _redacted(str(error.get("message") or ""), config)[:300]
    hint = ""
    if str(error.get("param") or "").startswith("session.tools") and config.tools != "upstream":
        hint = (" (the profile's server tools run on this gateway and the upstream has tools of the same names: "
                "if it serves the same profile, set tools = \"upstream\" under the profile's [realtime] section)")
    return UpstreamUnavailable(f"the upstream at {config.host} refused the session ({code}): {message}{hint}", code,
                               client_code=UPSTREAM_REFUSED)


def _url(config: RelayUpstream, options: Mapping[str, str]) -> str:
    parts = urlsplit(config.url)
    query = {**options, **dict(parse_qsl(parts.query))}
    query["model"] = query.get("model") or config.model
    return urlunsplit(parts._replace(query=urlencode(query)))


def _headers(config: RelayUpstream) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {config.api_key.get_secret_value()}"} if config.api_key else {}
    if config.dialect == "beta":
        headers["OpenAI-Beta"] = "realtime=v1"
    return headers


def _redacted(text: str, config: RelayUpstream) -> str:
    key = config.api_key.get_secret_value() if config.api_key else ""
    return text.replace(key, "***") if key else text


async def _quietly_close(connection: ClientConnection | None) -> None:
    if connection is not None:
        try:
            await connection.close()
        except Exception:  # already broken: nothing more to release
            log.debug("closing a failed upstream connection failed", exc_info=True)
