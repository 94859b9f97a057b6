"""`talkline call`: a realtime conversation from the terminal with speech, typed text, or a microphone
device. The command runs in a thread of its own (it has its own event loop), the server in the test's."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner, Result

from talkline.audio import decode_audio, read_wav
from talkline.cli import app
from tests.clients.conftest import QUESTION
from tests.servers import LiveServer

runner = CliRunner(env={"COLUMNS": "240"})  # rich wraps at the terminal's width


async def talkline(*arguments: Any) -> Result:
    return await asyncio.to_thread(runner.invoke, app, [str(argument) for argument in arguments])


def said(output: str, who: str) -> list[str]:
    return [line[len(who) + 1:].strip() for line in output.splitlines() if line.startswith(f"{who}:")]


async def transcribe(server: LiveServer, audio: bytes, name: str) -> str:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(server.http_url + "/v1/audio/transcriptions", files={"file": (name, audio)},
                                   data={"model": "whisper-1", "language": "en"})
    response.raise_for_status()
    return response.json()["text"]


async def test_a_spoken_question_gets_a_spoken_answer(server: LiveServer, question_wav: Path, tmp_path: Path) -> None:
    reply = tmp_path / "reply.wav"
    result = await talkline(*["call", "--server", server.http_url, "--wav", str(question_wav), "--out", str(reply)])
    assert result.exit_code == 0, result.output
    [heard] = said(result.output, "You")
    assert heard == QUESTION
    [answer] = said(result.output, "Talkline")
    assert answer.startswith("Put the") and "clear PET bottle bin" in answer
    assert "looked up search_waste_disposal" in result.output
    assert "1st audio" in result.output and "completed" in result.output  # the latency split

    audio = read_wav(reply.read_bytes())
    assert audio.duration_ms > 3000
    heard_back = await transcribe(server, reply.read_bytes(), "reply.wav")
    assert heard_back.replace(" ", "") == answer.replace(" ", "")  # sentences are spoken one by one


async def test_a_typed_question_and_an_mp3_reply(server: LiveServer, tmp_path: Path) -> None:
    reply = tmp_path / "reply.mp3"
    result = await talkline(*["call", "--server", server.http_url, "--text", "Where do I put a glass bottle?",
                                 "--out", str(reply)])
    assert result.exit_code == 0, result.output
    [answer] = said(result.output, "Talkline")
    assert "glass" in answer.lower()
    assert decode_audio(reply.read_bytes()).duration_ms > 1000


async def test_practice_takes_its_scenario_and_persona(server: LiveServer, tmp_path: Path) -> None:
    result = await talkline(*["call", "--server", server.http_url, "--profile", "practice", "--scenario", "mart",
                                 "--persona", "saerom", "--text", "Where is the milk?",
                                 "--out", str(tmp_path / "reply.wav")])
    assert result.exit_code == 0, result.output
    [answer] = said(result.output, "Talkline")
    assert answer.endswith("이거 찾으시는 거 맞으세요?")  # the mart's next step: a clerk speaks politely, even as 새롬


async def test_a_microphone_device_is_heard(server: LiveServer, question_wav: Path, tmp_path: Path) -> None:
    # FFmpeg's lavfi device plays the recording into the same capture path a real microphone uses
    result = await talkline(*["call", "--server", server.http_url, "--mic",
                                 "--mic-device", f"lavfi:amovie={question_wav}", "--out", str(tmp_path / "reply.wav")])
    assert result.exit_code == 0, result.output
    [heard] = said(result.output, "You")
    assert heard == QUESTION


async def test_mistakes_are_refused_clearly(server: LiveServer, question_wav: Path, tmp_path: Path) -> None:
    base = ["call", "--server", server.http_url]
    both = await talkline(*[*base, "--wav", str(question_wav), "--text", "hi"])
    assert both.exit_code == 2 and "exactly one of" in both.output
    suffix = await talkline(*[*base, "--text", "hi", "--out", str(tmp_path / "reply.xyz")])
    assert suffix.exit_code == 2 and "cannot write audio as '.xyz'" in suffix.output
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("not audio at all\n" * 10)
    unreadable = await talkline(*[*base, "--wav", str(not_audio)])
    assert unreadable.exit_code == 2 and "cannot read" in unreadable.output
    no_mic = await talkline(*[*base, "--mic", "--mic-device", "alsa:no_such_device", "--out",
                                 str(tmp_path / "reply.wav")])
    assert no_mic.exit_code == 1 and "cannot open the microphone 'alsa:no_such_device'" in no_mic.output
    unknown = await talkline(*[*base, "--profile", "nope", "--text", "hi", "--out", str(tmp_path / "r.wav")])
    assert unknown.exit_code == 1 and "unknown model 'nope'" in unknown.output
    nobody = await talkline(*["call", "--server", "http://127.0.0.1:9", "--text", "hi", "--out",
                                 str(tmp_path / "r.wav")])
    assert nobody.exit_code == 1 and "the call failed" in nobody.output
