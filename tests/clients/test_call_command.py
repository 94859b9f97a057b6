"""`talkline call`: a realtime conversation from the terminal with real speech, typed text, or a
microphone device."""

from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from talkline.audio import decode_audio, read_wav
from talkline.cli import app
from tests.clients.conftest import QUESTION
from tests.server_process import ServerProcess
from tests.speech import word_error_rate

runner = CliRunner(env={"COLUMNS": "240"})  # rich wraps at the terminal's width


def said(output: str, who: str) -> list[str]:
    return [line[len(who) + 1:].strip() for line in output.splitlines() if line.startswith(f"{who}:")]


def transcribe(server: ServerProcess, audio: bytes, name: str) -> str:
    response = httpx.post(server.http_url + "/v1/audio/transcriptions", files={"file": (name, audio)},
                          data={"model": "whisper-1", "language": "en"}, timeout=60)
    response.raise_for_status()
    return response.json()["text"]


def test_a_spoken_question_gets_a_spoken_answer(server: ServerProcess, question_wav: Path, tmp_path: Path) -> None:
    reply = tmp_path / "reply.wav"
    result = runner.invoke(app, ["call", "--server", server.http_url, "--wav", str(question_wav), "--out", str(reply)])
    assert result.exit_code == 0, result.output
    [heard] = said(result.output, "You")
    assert word_error_rate(heard, QUESTION) <= 0.2, heard
    [answer] = said(result.output, "Talkline")
    assert answer.startswith("Put the") and "clear PET bottle bin" in answer
    assert "looked up search_waste_disposal" in result.output
    assert "1st audio" in result.output and "completed" in result.output  # the latency split

    audio = read_wav(reply.read_bytes())
    assert audio.duration_ms > 3000
    assert word_error_rate(transcribe(server, reply.read_bytes(), "reply.wav"), answer) <= 0.3


def test_a_typed_question_and_an_mp3_reply(server: ServerProcess, tmp_path: Path) -> None:
    reply = tmp_path / "reply.mp3"
    result = runner.invoke(app, ["call", "--server", server.http_url, "--text", "Where do I put a glass bottle?",
                                 "--out", str(reply)])
    assert result.exit_code == 0, result.output
    [answer] = said(result.output, "Talkline")
    assert "glass" in answer.lower()
    assert decode_audio(reply.read_bytes()).duration_ms > 1000


def test_practice_takes_its_scenario_and_persona(server: ServerProcess, tmp_path: Path) -> None:
    result = runner.invoke(app, ["call", "--server", server.http_url, "--profile", "practice", "--scenario", "mart",
                                 "--persona", "saerom", "--text", "Where is the milk?",
                                 "--out", str(tmp_path / "reply.wav")])
    assert result.exit_code == 0, result.output
    [answer] = said(result.output, "Talkline")
    assert answer.endswith("이거 찾던 거 맞지?")  # the mart's next step, in 새롬's casual speech (반말)


def test_a_microphone_device_is_heard(server: ServerProcess, question_wav: Path, tmp_path: Path) -> None:
    # FFmpeg's lavfi device plays the recording into the same capture path a real microphone uses
    result = runner.invoke(app, ["call", "--server", server.http_url, "--mic",
                                 "--mic-device", f"lavfi:amovie={question_wav}", "--out", str(tmp_path / "reply.wav")])
    assert result.exit_code == 0, result.output
    [heard] = said(result.output, "You")
    assert word_error_rate(heard, QUESTION) <= 0.2, heard


def test_mistakes_are_refused_clearly(server: ServerProcess, question_wav: Path, tmp_path: Path) -> None:
    base = ["call", "--server", server.http_url]
    both = runner.invoke(app, [*base, "--wav", str(question_wav), "--text", "hi"])
    assert both.exit_code == 2 and "exactly one of" in both.output
    suffix = runner.invoke(app, [*base, "--text", "hi", "--out", str(tmp_path / "reply.xyz")])
    assert suffix.exit_code == 2 and "cannot write audio as '.xyz'" in suffix.output
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("not audio at all\n" * 10)
    unreadable = runner.invoke(app, [*base, "--wav", str(not_audio)])
    assert unreadable.exit_code == 2 and "cannot read" in unreadable.output
    no_mic = runner.invoke(app, [*base, "--mic", "--mic-device", "alsa:no_such_device", "--out",
                                 str(tmp_path / "reply.wav")])
    assert no_mic.exit_code == 1 and "cannot open the microphone 'alsa:no_such_device'" in no_mic.output
    unknown = runner.invoke(app, [*base, "--profile", "nope", "--text", "hi", "--out", str(tmp_path / "r.wav")])
    assert unknown.exit_code == 1 and "unknown model 'nope'" in unknown.output
    nobody = runner.invoke(app, ["call", "--server", "http://127.0.0.1:9", "--text", "hi", "--out",
                                 str(tmp_path / "r.wav")])
    assert nobody.exit_code == 1 and "the call failed" in nobody.output
