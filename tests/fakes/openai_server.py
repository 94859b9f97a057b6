"""A scripted fake of the OpenAI API, served on a loopback port for tests.

The test says, per endpoint and in order, which requests must come and what each gets back; any
other request is refused (HTTP 400 or a refused WebSocket) and fails the test when the fake stops,
as does a scripted exchange that never happened. Every request is recorded for assertions.

    async with FakeOpenAI.running() as fake:
        call = fake.expect("POST", "/v1/chat/completions", EventStream(text_chunks("Hello", " there")))
        client = AsyncOpenAI(base_url=fake.base_url, api_key="sk-test")
        ...
        assert call.request.json()["model"] == "gpt-4o-mini"
        assert call.request.bearer == "sk-test"

Replies: `Json` (and `error_reply`), `EventStream` (SSE `data:` lines, ending `[DONE]`), `Body`
(a streamed binary body, e.g. pcm from /v1/audio/speech), `Stall` (no answer until released) and
`Realtime` (a WebSocket script of `Send`, `Receive` and `Close` steps). Streams may hold `Gate`s (an
asyncio.Event: the stream waits there until the test sets it) and `Delay`s; `Exchange.disconnected`
is set when the client closes a stream before its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette import types as asgi
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

Check = Callable[["Received"], None]  # raises AssertionError when a request is not the one scripted
Gate = asyncio.Event
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_EVENT_IDS = itertools.count(1)


@dataclass(frozen=True)
class Delay:
    seconds: float


Pause = Gate | Delay


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it (header names in lower case)."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes = b""
    form: Mapping[str, list[str]] = field(default_factory=dict)
    files: Mapping[str, Upload] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def bearer(self) -> str | None:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" else None

    def describe(self) -> str:
        return f"{self.method} {self.path}" + (f"?{'&'.join(f'{k}={v}' for k, v in self.query.items())}"
                                                if self.query else "")


# ── replies ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Json:
    body: Any
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


def error_reply(status: int, message: str, *, code: str | None = None, kind: str = "invalid_request_error",
                headers: Mapping[str, str] | None = None) -> Json:
    """An error the way OpenAI answers one; `headers` may carry `retry-after-ms`."""
    return Json({"error": {"message": message, "type": kind, "param": None, "code": code}}, status,
                headers or {})


@dataclass(frozen=True)
class EventStream:
    """Server-sent events: each dict becomes `data: <json>`, a str is sent as the data verbatim."""

    events: Sequence[dict[str, Any] | str | Pause]
    done: bool = True  # end with `data: [DONE]`


@dataclass(frozen=True)
class Body:
    """A binary body streamed chunk by chunk."""

    chunks: Sequence[bytes | Pause]
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Stall:
    """No answer at all until `until` is set (then a 504), to make the client's timeout fire."""

    until: Gate


@dataclass(frozen=True)
class Send:
    events: Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Receive:
    """The next client event must have this type (and pass `check`); `repeat` takes a run of them."""

    type: str
    check: Callable[[dict[str, Any]], None] | None = None
    repeat: bool = False
    within_s: float = 10.0  # a guard against a silent client, not a speed requirement
    quiet_s: float = 0.5  # with `repeat`: this much silence ends the run


@dataclass(frozen=True)
class Close:
    code: int = 1000
    reason: str = ""


@dataclass(frozen=True)
class Realtime:
    steps: Sequence[Send | Receive | Close]


Reply = Json | EventStream | Body | Stall | Realtime


@dataclass(eq=False)
class Exchange:
    """One scripted request and its reply; filled in as it happens."""

    method: str
    path: str
    reply: Reply
    check: Check | None = None
    request: Received | None = None
    client_events: list[dict[str, Any]] = field(default_factory=list)  # Realtime: what the client sent
    received: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)  # the whole reply went out
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)  # the client left mid-stream

    def describe(self) -> str:
        return f"{self.method} {self.path} ({type(self.reply).__name__})"


# ── the server ─────────────────────────────────────────────────────────────────────────────────


class FakeOpenAI:
    def __init__(self) -> None:
        self.port = 0
        self.received: list[Received] = []
        self.problems: list[str] = []
        self._script: dict[tuple[str, str], deque[Exchange]] = {}
        self._gates: list[Gate] = []
        self.app = Starlette(routes=[Route("/{path:path}", self._http, methods=METHODS),
                                     WebSocketRoute("/{path:path}", self._websocket)])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What an OpenAI client takes as `base_url`."""
        return self.url + "/v1"

    @property
    def websocket_base_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1"

    def expect(self, method: str, path: str, reply: Reply, *, check: Check | None = None) -> Exchange:
        """Script the next request to `method path` (a WebSocket is method "WS")."""
        exchange = Exchange(method.upper(), _normal(path), reply, check)
        self._script.setdefault((exchange.method, exchange.path), deque()).append(exchange)
        return exchange

    def expect_chat(self, reply: Reply, *, check: Check | None = None) -> Exchange:
        return self.expect("POST", "/v1/chat/completions", reply, check=check)

    def expect_transcription(self, reply: Reply, *, check: Check | None = None) -> Exchange:
        return self.expect("POST", "/v1/audio/transcriptions", reply, check=check)

    def expect_speech(self, reply: Reply, *, check: Check | None = None) -> Exchange:
        return self.expect("POST", "/v1/audio/speech", reply, check=check)

    def expect_realtime(self, steps: Sequence[Send | Receive | Close], *, check: Check | None = None) -> Exchange:
        return self.expect("WS", "/v1/realtime", Realtime(steps), check=check)

    def gate(self) -> Gate:
        """A pause for a stream; the fake opens every gate when it stops."""
        gate = Gate()
        self._gates.append(gate)
        return gate

    def verify(self) -> None:
        """Fail with everything that went against the script."""
        unused = [exchange.describe() for queue in self._script.values() for exchange in queue]
        problems = self.problems + [f"scripted but never requested: {item}" for item in unused]
        if problems:
            got = "\n".join(f"  {request.describe()}" for request in self.received) or "  nothing"
            raise AssertionError("the fake OpenAI server saw a different conversation than scripted:\n"
                                 + "\n".join(f"- {problem}" for problem in problems) + f"\nit received:\n{got}")

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[FakeOpenAI]:
        """Serve on a free loopback port in this event loop; verify the script when the block ends."""
        fake = cls()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        fake.port = sock.getsockname()[1]
        server = _QuietServer(uvicorn.Config(fake.app, log_config=None, lifespan="off",
                                             timeout_graceful_shutdown=2))
        serving = asyncio.create_task(server.serve(sockets=[sock]), name="fake-openai")
        while not server.started:
            if serving.done():
                serving.result()
                raise RuntimeError("the fake OpenAI server stopped while starting")
            await asyncio.sleep(0.01)
        try:
            yield fake
        finally:
            for gate in fake._gates:
                gate.set()
            server.should_exit = True
            await serving
            sock.close()
        fake.verify()

    # ── HTTP ──

    async def _http(self, request: Request) -> Response:
        received = await _read(request)
        exchange = self._take(received)
        if exchange is None:
            return JSONResponse({"error": {"message": f"fake OpenAI: unexpected request {received.describe()}",
                                           "type": "invalid_request_error", "code": "unexpected_request"}}, 400)
        reply = exchange.reply
        if isinstance(reply, Json):
            exchange.finished.set()
            return JSONResponse(reply.body, reply.status, dict(reply.headers))
        if isinstance(reply, Stall):
            await reply.until.wait()
            return JSONResponse({"error": {"message": "stalled", "type": "server_error"}}, 504)
        if isinstance(reply, EventStream):
            return _Streamed(_sse(reply), exchange, media_type="text/event-stream")
        if isinstance(reply, Body):
            return _Streamed(_chunks(reply.chunks), exchange, media_type=reply.media_type)
        self.problems.append(f"{received.describe()} is HTTP, but a WebSocket was scripted")
        return JSONResponse({"error": {"message": "fake OpenAI: expected a WebSocket"}}, 400)

    def _take(self, received: Received) -> Exchange | None:
        self.received.append(received)
        queue = self._script.get((received.method, received.path))
        if not queue:
            self.problems.append(f"unexpected request {received.describe()}: nothing (more) was scripted for it")
            return None
        exchange = queue.popleft()
        exchange.request = received
        exchange.received.set()
        if exchange.check is not None:
            try:
                exchange.check(received)
            except AssertionError as failure:
                self.problems.append(f"{received.describe()} did not match the script: {failure}")
                return None
        return exchange

    # ── WebSocket ──

    async def _websocket(self, websocket: WebSocket) -> None:
        received = Received("WS", _normal(websocket.url.path), dict(websocket.query_params),
                            {k.lower(): v for k, v in websocket.headers.items()})
        exchange = self._take(received)
        if exchange is None or not isinstance(exchange.reply, Realtime):
            if exchange is not None:
                self.problems.append(f"{received.describe()} is a WebSocket, but HTTP was scripted")
            await websocket.close(code=1008)
            return
        offered = websocket.scope.get("subprotocols") or []
        await websocket.accept(subprotocol="realtime" if "realtime" in offered else None)
        try:
            await _RealtimeScript(self, websocket, exchange).run()
        except WebSocketDisconnect:
            pass


class _RealtimeScript:
    def __init__(self, fake: FakeOpenAI, websocket: WebSocket, exchange: Exchange) -> None:
        self.fake, self.websocket, self.exchange = fake, websocket, exchange
        self.pushed_back: list[dict[str, Any]] = []
        self.left = False  # the client closed while a run of repeated events was being read

    async def run(self) -> None:
        assert isinstance(self.exchange.reply, Realtime)
        steps = list(self.exchange.reply.steps)
        for index, step in enumerate(steps):
            try:
                matched = await self._step(step)
            except WebSocketDisconnect:
                return self._problem(f"the client left with {len(steps) - index} scripted steps to go")
            if not matched:
                return await self.websocket.close(code=1011)
            if self.left or isinstance(step, Close):
                if steps[index + 1:]:
                    self._problem(f"the client left with {len(steps) - index - 1} scripted steps to go")
                return self.exchange.finished.set()
        self.exchange.finished.set()
        while True:  # the script is over: anything more the client sends was not expected
            event = await self._next(None)
            self._problem(f"unexpected client event {event.get('type')!r} after the script")

    async def _step(self, step: Send | Receive | Close) -> bool:
        if isinstance(step, Send):
            for event in step.events:
                await self.websocket.send_text(json.dumps(_with_event_id(event)))
        elif isinstance(step, Close):
            await self.websocket.close(code=step.code, reason=step.reason)
        else:
            return await self._receive(step)
        return True

    async def _receive(self, step: Receive) -> bool:
        try:
            event = await self._next(step.within_s)
        except TimeoutError:
            self._problem(f"expected a client {step.type!r} event, none came")
            return False
        if not self._matches(step, event):
            return False
        while step.repeat:  # a run ends at another event type, at a pause, or when the client leaves
            try:
                event = await self._next(step.quiet_s)
            except TimeoutError:
                break
            except WebSocketDisconnect:
                self.left = True
                break
            if event.get("type") != step.type:
                self.pushed_back.append(event)
                break
            if not self._matches(step, event):
                return False
        return True

    def _matches(self, step: Receive, event: dict[str, Any]) -> bool:
        if event.get("type") != step.type:
            self._problem(f"expected a client {step.type!r} event, got {event.get('type')!r}")
            return False
        try:
            if step.check is not None:
                step.check(event)
        except AssertionError as failure:
            self._problem(f"client {step.type!r} did not match the script: {failure}")
            return False
        return True

    async def _next(self, within_s: float | None) -> dict[str, Any]:
        if self.pushed_back:
            return self.pushed_back.pop(0)
        event = json.loads(await asyncio.wait_for(self.websocket.receive_text(), within_s))
        self.exchange.client_events.append(event)
        return event

    def _problem(self, text: str) -> None:
        self.fake.problems.append(f"realtime: {text}")


# ── helpers ────────────────────────────────────────────────────────────────────────────────────


class _QuietServer(uvicorn.Server):
    """uvicorn inside a test's event loop: leaves the test runner's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Streamed(StreamingResponse):
    """A streamed reply that notes whether the client stayed to the end."""

    def __init__(self, content: AsyncIterator[bytes], exchange: Exchange, *, media_type: str) -> None:
        super().__init__(content, media_type=media_type)
        self.exchange = exchange

    async def stream_response(self, send: asgi.Send) -> None:
        await super().stream_response(send)
        self.exchange.finished.set()

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            if not self.exchange.finished.is_set():
                self.exchange.disconnected.set()


def _with_event_id(event: dict[str, Any]) -> dict[str, Any]:
    return event if "event_id" in event else {"event_id": f"event_fake{next(_EVENT_IDS)}", **event}


async def _pause(item: Pause) -> None:
    if isinstance(item, Delay):
        await asyncio.sleep(item.seconds)
    else:
        await item.wait()


async def _sse(reply: EventStream) -> AsyncIterator[bytes]:
    for item in reply.events:
        if isinstance(item, Gate | Delay):
            await _pause(item)
        else:
            yield b"data: " + (item if isinstance(item, str) else json.dumps(item)).encode() + b"\n\n"
    if reply.done:
        yield b"data: [DONE]\n\n"


async def _chunks(chunks: Sequence[bytes | Pause]) -> AsyncIterator[bytes]:
    for item in chunks:
        if isinstance(item, bytes):
            yield item
        else:
            await _pause(item)


async def _read(request: Request) -> Received:
    body = await request.body()
    form: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as parsed:
            for name, value in parsed.multi_items():
                if isinstance(value, UploadFile):
                    files[name] = Upload(value.filename, value.content_type, await value.read())
                else:
                    form.setdefault(name, []).append(value)
    return Received(request.method, _normal(request.url.path), dict(request.query_params),
                    {k.lower(): v for k, v in request.headers.items()}, body, form, files)


def _normal(path: str) -> str:
    return "/" + path.strip("/")
