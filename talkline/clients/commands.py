"""The `talkline call` and `talkline voice` commands: check the arguments, run the client, print the
summary, and exit with 0 (answered), 1 (the call or job failed) or 2 (bad arguments)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NoReturn

import typer
from openai import OpenAIError
from rich.console import Console
from rich.table import Table

from talkline.audio import AudioError, Pcm
from talkline.clients.audio_io import (
    MicrophoneUnavailable,
    chunks,
    microphone,
    output_format,
    read_audio,
    write_audio,
)
from talkline.clients.connection import ServerAddress
from talkline.clients.realtime_call import CallFailed, CallReport, run_call
from talkline.clients.voice_job import VoiceJobFailed, VoiceReport, VoiceRequest, run_voice

STAGES = {"committed": "turn end", "stt_done": "heard", "first_token": "1st token", "first_audio": "1st audio",
          "done": "done"}


def default_server() -> str:
    from talkline.settings import Settings

    settings = Settings()
    return settings.public_url or f"http://{settings.host}:{settings.port}"


def call(*, server: str, api_key: str | None, profile: str, wav: Path | None, mic: bool, text: str | None,
         out: Path, scenario: str | None, persona: str | None, language: str | None, mic_device: str,
         seconds: float) -> None:
    console = Console()
    if sum([wav is not None, mic, text is not None]) != 1:
        _usage(console, "give exactly one of --wav FILE, --mic or --text TEXT")
    address = _address(console, server, api_key)
    _check_output(console, out)
    speech = _speech(console, wav, mic, mic_device, seconds)
    options = {k: v for k, v in {"scenario": scenario, "persona": persona}.items() if v}
    try:
        report = asyncio.run(run_call(address, profile, console, speech=speech, text=text, options=options,
                                      language=language))
    except (CallFailed, MicrophoneUnavailable, OpenAIError, OSError) as exc:
        _fail(console, f"the call failed: {exc}")
    if not report.answered:
        _fail(console, "no reply: " + ("; ".join(report.errors) or "no speech was heard"))
    write_audio(out, report.reply_audio)
    console.print(_latency_table(report))
    console.print(f"reply audio ({report.reply_audio.duration_ms / 1000:.1f} s) written to {out}")


def voice(*, server: str, api_key: str | None, audio_file: Path, profile: str | None, session_id: str | None,
          voice_name: str | None, language: str | None, out: Path) -> None:
    console = Console()
    address = _address(console, server, api_key)
    _check_output(console, out)
    request = VoiceRequest(audio_file=audio_file, profile=profile, session_id=session_id or f"cli-{uuid.uuid4().hex[:12]}",
                           voice=voice_name, language=language)
    try:
        report = asyncio.run(run_voice(address, request, console))
    except (VoiceJobFailed, OSError) as exc:
        _fail(console, f"the voice job failed: {exc}")
    write_audio(out, report.audio)
    console.print(_job_summary(report))
    console.print(f"reply audio ({report.audio.duration_ms / 1000:.1f} s) written to {out}")


def _speech(console: Console, wav: Path | None, mic: bool, device: str, seconds: float
            ) -> AsyncIterator[Pcm] | Iterator[Pcm] | None:
    if wav is not None:
        try:
            audio = read_audio(wav)
        except (AudioError, OSError) as exc:
            _usage(console, f"cannot read {wav}: {exc}")
        return chunks(audio)
    if mic:
        console.print(f"[dim]listening on {device} for up to {seconds:.0f} s (Ctrl-C ends at once)[/]")
        return microphone(device, seconds)
    return None


def _address(console: Console, server: str, api_key: str | None) -> ServerAddress:
    try:
        return ServerAddress.of(server, api_key)
    except ValueError as exc:
        _usage(console, str(exc))


def _check_output(console: Console, out: Path) -> None:
    try:
        output_format(out)
    except ValueError as exc:
        _usage(console, str(exc))


def _latency_table(report: CallReport) -> Table:
    table = Table(title="Latency per reply: ms after you stopped speaking (server stages, then audio received here)")
    table.add_column("reply")
    table.add_column("status")
    for heading in STAGES.values():
        table.add_column(heading, justify="right")
    table.add_column("audio here", justify="right")
    for number, reply in enumerate(report.replies, 1):
        here = f"{reply.first_audio_s * 1000:.0f}" if reply.first_audio_s is not None else "-"
        table.add_row(str(number), reply.status, *(_ms(reply.timings.get(stage)) for stage in STAGES), here)
    return table


def _job_summary(report: VoiceReport) -> Table:
    table = Table(title=f"Voice job {report.job_id}", show_header=False)
    table.add_row("heard", report.heard)
    table.add_row("tools", ", ".join(report.tools) or "-")
    table.add_row("audio", f"{len(report.chunks)} chunks")
    table.add_row("reconnections", str(report.reconnects))
    for stage, value in report.timings.items():
        table.add_row(stage, _ms(value))
    return table


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _usage(console: Console, message: str) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


def _fail(console: Console, message: str) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(1)
