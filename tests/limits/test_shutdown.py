"""Graceful shutdown: SIGTERM stops a real `talkline serve` within a few seconds even while a job runs that
would take minutes; the job is handed back to the queue and the next start of the server finishes it,
with one `done`."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.server_process import talkline_server

KEY = "tl-shutdown-key"
SLOW_SPEECH = """
[profiles.eco.agent]
kind = "fake"

[profiles.eco.tts]
kind = "fake"
pace = {pace}
"""


def _env(data: Path, pace: float) -> dict[str, str]:
    profiles = data / f"profiles-{pace}.toml"
    data.mkdir(parents=True, exist_ok=True)
    profiles.write_text(SLOW_SPEECH.format(pace=pace), encoding="utf-8")
    return {"TALKLINE_API_KEYS": KEY, "TALKLINE_ENGINES": "fake", "TALKLINE_WARM_UP": "false",
            "TALKLINE_PROFILES_FILE": str(profiles), "TALKLINE_SHUTDOWN_GRACE_SECONDS": "1",
            "TALKLINE_JOB_TIMEOUT_SECONDS": "600"}


def _events(http: httpx.Client, job_id: str) -> list[str]:
    with http.stream("GET", f"/v1/chat/{job_id}/events") as stream:
        return [line.removeprefix("event: ").strip() for line in stream.iter_lines() if line.startswith("event:")]


def test_sigterm_stops_the_server_in_seconds_and_the_running_job_is_finished_after_a_restart(tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    with talkline_server(tmp_path, _env(tmp_path, pace=1.0)) as server:  # speech takes as long as it lasts
        with httpx.Client(base_url=server.http_url, headers=headers, timeout=30) as http:
            submitted = http.post("/v1/chat", json={"session_id": "s", "modalities": ["text", "audio"],
                                                    "message": "please repeat this sentence slowly. " * 100})
            job_id = submitted.json()["job_id"]
            while http.get(f"/v1/chat/{job_id}").json()["status"] != "running":
                time.sleep(0.1)
            time.sleep(1)
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)  # the job alone would take minutes
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not stop after SIGTERM:\n{server.log()}") from None
        assert "handed back to the queue" in server.log()
    with talkline_server(tmp_path, _env(tmp_path, pace=0.0)) as restarted:
        with httpx.Client(base_url=restarted.http_url, headers=headers, timeout=60) as http:
            events = _events(http, job_id)
            assert events.count("done") == 1 and events[-1] == "done", events
            assert http.get(f"/v1/chat/{job_id}").json()["status"] == "succeeded"
