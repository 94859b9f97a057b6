"""Request body size per route, enforced while the body arrives: a declared Content-Length over the limit
is refused before a byte is read, and a chunked body is cut off as soon as it passes the limit, so no
route ever holds more than its limit in memory."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from talkline.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_ROUTES = {"/v1/voice": "upload_too_large", "/v1/audio/transcriptions": "file_too_large"}
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the form's other fields


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int, code: str, param: str | None) -> None:
        super().__init__(413, f"the request body is larger than the limit of {_size(limit)} for this route")
        self.limit, self.code, self.param = limit, code, param


def body_limit(settings: Settings, path: str) -> BodyTooLarge:
    """The refusal (and so the limit) for a POST to `path`."""
    if path in UPLOAD_ROUTES:
        error = BodyTooLarge(settings.upload_max_bytes + FORM_OVERHEAD, UPLOAD_ROUTES[path], "file")
        error.detail = f"the upload is larger than {settings.upload_max_bytes // (1024 * 1024)} MB"
        return error
    if path == "/v1/chat/completions":  # input_audio parts arrive as base64 in the JSON
        return BodyTooLarge(settings.upload_max_bytes * 4 // 3 + settings.json_body_max_bytes, "request_too_large",
                            None)
    return BodyTooLarge(settings.json_body_max_bytes, "request_too_large", None)


class BodyLimitMiddleware:
    def __init__(self, app: App, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        refusal = body_limit(self.settings, scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > refusal.limit:
            await _refuse(send, refusal)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _counting(receive, refusal), tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(send, exc)


def _counting(receive: Receive, refusal: BodyTooLarge) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > refusal.limit:
                raise refusal
        return message

    return counted


async def _refuse(send: Send, error: BodyTooLarge) -> None:
    body = json.dumps({"error": {"message": error.detail, "type": "invalid_request_error", "param": error.param,
                                 "code": error.code}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
