"""`talkline voice`: submit a voice job and follow its events over SSE, resuming with Last-Event-ID
when the connection drops, with a progress display."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, aconnect_sse
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from talkline.audio import Pcm, read_wav, resample
from talkline.clients.audio_io import WIRE_RATE
from talkline.clients.connection import ServerAddress

TERMINAL = frozenset({"done", "error"})
RECONNECTS = 5


class VoiceJobFailed(RuntimeError):
    pass


@dataclass
class VoiceReport:
    job_id: str = ""
    heard: str = ""
    reply: str = ""
    tools: list[str] = field(default_factory=list)
    chunks: list[Pcm] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    reconnects: int = 0
    last_event_ids: list[str] = field(default_factory=list)  # the Last-Event-ID of each reconnection

    @property
    def audio(self) -> Pcm:
        rate = self.chunks[0].rate if self.chunks else WIRE_RATE
        return Pcm(b"".join(resample(chunk, rate).data for chunk in self.chunks), rate)


@dataclass(frozen=True)
class VoiceRequest:
    audio_file: Path
    profile: str | None = None
    session_id: str = "cli"
    voice: str | None = None
    language: str | None = None


async def run_voice(server: ServerAddress, request: VoiceRequest, console: Console) -> VoiceReport:
    async with httpx.AsyncClient(base_url=server.url, headers=server.headers,
                                 timeout=httpx.Timeout(30.0, read=120.0)) as http:
        job = await _submit(http, request)
        report = VoiceReport(job_id=job["job_id"])
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            status = progress.add_task("queued", total=None)
            show = _Display(report, console, lambda text: progress.update(status, description=text))
            await _follow(http, job["stream_url"], request.session_id, report, show)
    return report


async def _submit(http: httpx.AsyncClient, request: VoiceRequest) -> dict[str, Any]:
    form = {key: value for key, value in {
        "session_id": request.session_id, "profile": request.profile, "voice": request.voice,
        "language": request.language, "output_format": "wav", "modalities": "text,audio"}.items() if value}
    files = {"file": (request.audio_file.name, await asyncio.to_thread(request.audio_file.read_bytes))}
    response = await http.post("/v1/voice", data=form, files=files)
    if response.status_code != 202:
        raise VoiceJobFailed(_error_message(response))
    return response.json()


async def _follow(http: httpx.AsyncClient, stream_url: str, session_id: str, report: VoiceReport,
                  show: _Display) -> None:
    """Every event once, in order, whatever the connection does on the way."""
    last_id: str | None = None
    failures = 0
    while True:
        headers = {"Last-Event-ID": last_id} if last_id else {}
        try:
            async with aconnect_sse(http, "GET", stream_url, params={"session_id": session_id},
                                    headers=headers) as source:
                if source.response.status_code != 200:
                    await source.response.aread()
                    raise VoiceJobFailed(_error_message(source.response))
                async for event in source.aiter_sse():
                    last_id = event.id or last_id
                    failures = 0
                    show.event(event)
                    if event.event in TERMINAL:
                        return
        except (httpx.TransportError, httpx.StreamError):
            pass  # dropped: resume below
        failures += 1
        if failures > RECONNECTS:
            raise VoiceJobFailed("the event stream kept dropping")
        report.reconnects += 1
        report.last_event_ids.append(last_id or "")
        show.status(f"connection dropped; resuming after event {last_id}")
        await asyncio.sleep(min(4.0, 0.25 * 2 ** (failures - 1)))


class _Display:
    """Turns job events into the report, printed lines and the progress line."""

    def __init__(self, report: VoiceReport, console: Console, status: Callable[[str], None]) -> None:
        self.report, self.console, self.status = report, console, status

    def event(self, event: ServerSentEvent) -> None:
        data = json.loads(event.data) if event.data else {}
        handler = getattr(self, f"on_{event.event}", None)
        if handler is not None:
            handler(data)

    def on_queued(self, data: dict[str, Any]) -> None:
        self.status("transcribing")

    def on_transcript(self, data: dict[str, Any]) -> None:
        self.report.heard = data.get("text", "")
        self.console.print(f"[bold cyan]You:[/] {self.report.heard}")
        self.status("answering")

    def on_tool_call(self, data: dict[str, Any]) -> None:
        self.report.tools.append(data.get("name", ""))
        arguments = data.get("arguments")
        shown = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        self.console.print(f"  [dim]looked up {data.get('name')} {shown}[/]")

    def on_token(self, data: dict[str, Any]) -> None:
        self.report.reply += data.get("content", "")
        self.status(f"answering: {self.report.reply[-60:]}")

    def on_audio_chunk(self, data: dict[str, Any]) -> None:
        self.report.chunks.append(read_wav(base64.b64decode(data["data"])))
        seconds = sum(chunk.duration_ms for chunk in self.report.chunks) / 1000
        self.status(f"speaking: {len(self.report.chunks)} chunks, {seconds:.1f} s of audio")

    def on_done(self, data: dict[str, Any]) -> None:
        self.report.reply = data.get("text", self.report.reply)
        self.report.timings = dict(data.get("timings") or {})
        self.console.print(f"[bold green]Talkline:[/] {self.report.reply}")

    def on_error(self, data: dict[str, Any]) -> None:
        raise VoiceJobFailed(f"{data.get('code')}: {data.get('message')}")


def _error_message(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{error.get('code') or response.status_code}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}: {response.text[:200]}"
