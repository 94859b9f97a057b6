"""`talkline call`: one realtime conversation from the terminal, over the official `openai` SDK.

Speech goes out paced like a person talking, followed by a moment of silence so the server's turn
detection hears the end of the turn; text goes out as a typed user message. Events are printed as
they arrive; the call ends once every turn has been answered.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openai import AsyncOpenAI
from rich.console import Console

from talkline.audio import Pcm
from talkline.clients.audio_io import WIRE_RATE, chunks, paced
from talkline.clients.connection import ANONYMOUS_KEY, ServerAddress

TRAILING_SILENCE_MS = 1500  # more than the server's default end-of-turn silence (500 ms)


@dataclass
class Reply:
    transcript: str = ""
    status: str = "in_progress"
    timings: dict[str, float] = field(default_factory=dict)
    first_audio_s: float | None = None  # client clock: first audio after the user stopped speaking


@dataclass
class CallReport:
    session_id: str | None = None
    heard: list[str] = field(default_factory=list)  # the user's turns, as the server transcribed them
    replies: list[Reply] = field(default_factory=list)
    tools: list[tuple[str, str]] = field(default_factory=list)  # (name, JSON arguments)
    errors: list[str] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)  # every reply's audio, 24 kHz pcm16

    @property
    def reply_audio(self) -> Pcm:
        return Pcm(bytes(self.audio), WIRE_RATE)

    @property
    def answered(self) -> bool:
        return any(reply.status == "completed" for reply in self.replies)


class CallFailed(RuntimeError):
    pass


class _Call:
    """Reads the server's events, prints them, and knows when every turn has been answered."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.report = CallReport()
        self.turns = 0  # user turns that expect a reply
        self.done = 0  # responses finished (completed, cancelled or failed)
        self.in_speech = False
        self.speech_stopped_at: float | None = None
        self.current: Reply | None = None
        self.updates = 0  # session.updated events seen
        self.closed = False
        self.changed = asyncio.Event()

    async def read(self, conn: Any) -> None:
        try:
            async for event in conn:
                self.on(event)
                self.changed.set()
        finally:
            self.closed = True
            self.changed.set()

    def on(self, event: Any) -> None:
        kind = event.type
        if kind == "session.created":
            self.report.session_id = event.session.id
        elif kind == "session.updated":
            self.updates += 1
        elif kind == "input_audio_buffer.speech_started":
            self.in_speech = True
        elif kind == "input_audio_buffer.speech_stopped":
            self.in_speech = False
            self.speech_stopped_at = time.monotonic()
        elif kind == "input_audio_buffer.committed":
            self.turns += 1
        elif kind == "conversation.item.input_audio_transcription.completed":
            self.report.heard.append(event.transcript)
            self.console.print(f"[bold cyan]You:[/] {event.transcript or '[dim](nothing understood)[/]'}")
        elif kind == "response.created":
            self.current = Reply()
            self.report.replies.append(self.current)
        elif kind == "response.output_audio.delta":
            self._audio(event.delta)
        elif kind == "response.output_item.done" and event.item.type == "function_call":
            self.report.tools.append((event.item.name, event.item.arguments))
            self.console.print(f"  [dim]looked up {event.item.name} {_compact(event.item.arguments)}[/]")
        elif kind == "response.output_audio_transcript.done" and self.current is not None:
            self.current.transcript = event.transcript
            self.console.print(f"[bold green]Talkline:[/] {event.transcript}")
        elif kind == "response.done":
            self._response_done(event.response)
        elif kind == "error":
            self.report.errors.append(f"{event.error.code}: {event.error.message}")
            self.console.print(f"[bold red]error[/] {event.error.code}: {event.error.message}")

    def _audio(self, delta: str) -> None:
        if self.current is not None and self.current.first_audio_s is None and self.speech_stopped_at is not None:
            self.current.first_audio_s = time.monotonic() - self.speech_stopped_at
        self.report.audio += base64.b64decode(delta)

    def _response_done(self, response: Any) -> None:
        self.done += 1
        reply = self.current or Reply()
        reply.status = response.status
        reply.timings = dict(getattr(response, "timings", None) or {})
        if response.status == "cancelled":
            self.console.print("  [dim](interrupted)[/]")
        elif response.status == "failed":
            error = response.status_details.error if response.status_details else None
            self.report.errors.append(f"response failed: {error.message if error else 'unknown error'}")
        self.current = None

    @property
    def settled(self) -> bool:
        return not self.in_speech and self.done >= self.turns

    async def until(self, condition: Callable[[], bool], timeout_s: float, waiting_for: str) -> None:
        async def wait() -> None:
            while not condition():
                if self.closed:
                    reason = self.report.errors[-1] if self.report.errors else "the server closed the connection"
                    raise CallFailed(reason)
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(wait(), timeout_s)
        except TimeoutError:
            raise CallFailed(f"no {waiting_for} within {timeout_s:.0f} s") from None


async def run_call(server: ServerAddress, profile: str, console: Console, *,
                   speech: AsyncIterator[Pcm] | Iterator[Pcm] | None = None,
                   text: str | None = None, options: dict[str, str] | None = None, language: str | None = None,
                   timeout_s: float = 120.0) -> CallReport:
    """One conversation: `speech` (24 kHz chunks, delivered in real time) or a typed `text`."""
    client = AsyncOpenAI(base_url=server.api_base, api_key=server.api_key or ANONYMOUS_KEY,
                         websocket_base_url=server.websocket_base, max_retries=0)
    call = _Call(console)
    async with client.realtime.connect(model=profile, extra_query=options or {}, max_retries=0) as conn:
        reader = asyncio.create_task(call.read(conn))
        try:
            await _configure(conn, call, language)
            if text is not None:
                await _type(conn, call, text)
            elif speech is not None:
                await _speak(conn, speech)
                await _barrier(conn, call)
            await call.until(lambda: call.settled, timeout_s, "answer")
        finally:
            reader.cancel()
    return call.report


async def _configure(conn: Any, call: _Call, language: str | None) -> None:
    transcription: dict[str, str] = {"model": "whisper-1", **({"language": language} if language else {})}
    await conn.session.update(session={"type": "realtime", "audio": {"input": {"transcription": transcription}}})
    await call.until(lambda: call.updates >= 1, 30, "session")


async def _type(conn: Any, call: _Call, text: str) -> None:
    call.console.print(f"[bold cyan]You:[/] {text}")
    call.report.heard.append(text)
    call.turns += 1
    await conn.conversation.item.create(item={"type": "message", "role": "user",
                                              "content": [{"type": "input_text", "text": text}]})
    await conn.response.create()


async def _speak(conn: Any, speech: AsyncIterator[Pcm] | Iterator[Pcm]) -> None:
    async for piece in paced(speech):
        await conn.input_audio_buffer.append(audio=base64.b64encode(piece.data).decode())
    async for piece in paced(chunks(Pcm.silence(TRAILING_SILENCE_MS, WIRE_RATE))):
        await conn.input_audio_buffer.append(audio=base64.b64encode(piece.data).decode())


async def _barrier(conn: Any, call: _Call) -> None:
    """An empty session.update: its answer comes after the server has handled every append before it."""
    before = call.updates
    await conn.session.update(session={"type": "realtime"})
    await call.until(lambda: call.updates > before, 60, "session update")


def _compact(arguments: str) -> str:
    try:
        return json.dumps(json.loads(arguments), ensure_ascii=False)
    except ValueError:
        return arguments
