"""`talkline voice`: a voice job followed over SSE, resumed exactly when the connection drops."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from pathlib import Path

import httpx
from rich.console import Console
from typer.testing import CliRunner

from talkline.audio import decode_audio
from talkline.cli import app
from talkline.clients.connection import ServerAddress
from talkline.clients.voice_job import VoiceRequest, run_voice
from tests.clients.blip_proxy import blip_proxy
from tests.clients.conftest import QUESTION
from tests.servers import LiveServer

runner = CliRunner(env={"COLUMNS": "240"})  # rich wraps at the terminal's width


async def test_a_voice_message_is_answered_with_progress_and_audio(server: LiveServer, question_wav: Path,
                                                                   tmp_path: Path) -> None:
    reply = tmp_path / "reply.mp3"
    result = await asyncio.to_thread(runner.invoke, app, ["voice", str(question_wav), "--server", server.http_url,
                                                          "--profile", "eco", "--out", str(reply)])
    assert result.exit_code == 0, result.output
    heard = next(line for line in result.output.splitlines() if line.startswith("You:"))[4:]
    assert heard.strip() == QUESTION
    assert "Talkline: Put the" in result.output and "clear PET bottle bin" in result.output
    assert "search_waste_disposal" in result.output and "reconnections │ 0" in result.output
    assert decode_audio(reply.read_bytes()).duration_ms > 3000


async def test_the_event_stream_resumes_exactly_after_a_drop(server: LiveServer, question_wav: Path) -> None:
    async with blip_proxy(server.port) as proxy:
        report = await run_voice(ServerAddress.of(proxy.url, None),
                                 VoiceRequest(question_wav, profile="eco", session_id="resume-test"),
                                 Console(file=io.StringIO()))
    assert proxy.cuts == 1 and report.reconnects == 1

    # the whole log, read straight from the server, is what the interrupted client put together
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        response = await http.get(f"/v1/voice/{report.job_id}/events", params={"session_id": "resume-test"})
    events = [block for block in response.text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    parsed = [dict(line.split(": ", 1) for line in block.splitlines() if ": " in line) for block in events]
    chunks = [event for event in parsed if event.get("event") == "audio_chunk"]
    first_chunk_id = chunks[0]["id"]
    assert report.last_event_ids == [first_chunk_id]
    assert len(report.chunks) == len(chunks)
    assert [chunk.data for chunk in report.chunks] == [
        decode_audio(base64.b64decode(json.loads(chunk["data"])["data"])).data for chunk in chunks]
    done = json.loads(next(event for event in parsed if event.get("event") == "done")["data"])
    assert report.reply == done["text"] and report.heard


async def test_a_file_that_is_not_audio_is_refused_with_the_servers_reason(server: LiveServer, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio\n" * 20)
    result = await asyncio.to_thread(runner.invoke, app, ["voice", str(notes), "--server", server.http_url, "--out",
                                 str(tmp_path / "reply.wav")])
    assert result.exit_code == 1 and "the voice job failed" in result.output and "audio" in result.output
