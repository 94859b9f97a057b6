"""The pipecat comparison: bench/pipecat/harness.py, run by the Python of its own environment (made with
`python3 -m venv bench/.venv-pipecat && bench/.venv-pipecat/bin/pip install -r bench/pipecat/requirements.txt
-c bench/pipecat/constraints.txt`), is handed the same trimmed utterances one turn at a time."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from talkline.audio import resample, wav_bytes
from talkline.bench.processes import REPO
from talkline.bench.turns import TurnResult, Utterance
from talkline.engines.provision import provision_models
from talkline.settings import Settings

HARNESS = REPO / "bench" / "pipecat" / "harness.py"


class PipecatHarness:
    def __init__(self, process: subprocess.Popen[str], work: Path) -> None:
        self._process = process
        self._work = work
        self._turns = 0

    @classmethod
    @contextmanager
    def start(cls, python: Path, llm_url: str, work: Path) -> Iterator[PipecatHarness]:
        if not Path(python).exists():
            raise FileNotFoundError(f"no pipecat environment at {python}: see {HARNESS.parent / 'requirements.txt'}")
        models = provision_models(Settings().data_dir)
        piper_dir = models.piper_model.parent  # pipecat finds en_US-joe-medium.onnx there, verified
        log = open(work / "pipecat.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([str(python), str(HARNESS), "--llm-url", llm_url, "--whisper",
                                    str(models.whisper_dir), "--piper-dir", str(piper_dir)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            yield cls(process, work)
        finally:
            if process.stdin:
                process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()

    async def turn(self, utterance: Utterance) -> TurnResult:
        return await asyncio.to_thread(self._turn, utterance)

    def _turn(self, utterance: Utterance) -> TurnResult:
        self._turns += 1
        wav = self._work / f"pipecat-turn-{self._turns}.wav"
        wav.write_bytes(wav_bytes(resample(utterance.audio, 16000)))
        if self._process.stdin is None or self._process.stdout is None:
            raise RuntimeError("the pipecat harness has no pipes")
        self._process.stdin.write(json.dumps({"wav": str(wav)}) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the pipecat harness stopped: see {self._work / 'pipecat.log'}")
        answer = json.loads(line)
        return TurnResult("pipecat", utterance.text, "pipecat", utterance.language, utterance.audio.duration_ms,
                          answer["end_to_first_audio_ms"], answer["stages"], transcript=answer["transcript"],
                          error=answer["error"])
