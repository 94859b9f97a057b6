"""pipecat 1.14 on Talkline's offline models, measured the way `talkline bench latency` measures Talkline.

Runs in its own environment (bench/pipecat/requirements.txt), started by the benchmark. One pipeline
per turn, built the way pipecat's voice-agent examples build it with its defaults: silero VAD and
the Smart Turn v3 stop strategy in the user aggregator, faster-whisper whisper-base int8 (the same
folder Talkline joins; pipecat decodes with faster-whisper's defaults: beam 5, the 30 s window), Piper's en_US joe voice (from the same wheel), and as the LLM Talkline's own
`/v1/chat/completions` (the same skill agent, streamed). Audio goes in as a microphone delivers it:
16 kHz, 20 ms chunks at real time, silence before and after; the clock runs from the last voiced
sample to the first audio frame the output transport would play.

Protocol: one JSON line per turn on stdin, `{"wav": path}` (16 kHz mono, trimmed speech); one JSON
line per turn on stdout, `{"end_to_first_audio_ms", "stages", "transcript", "error"}`. Logs go to
stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import wave
from pathlib import Path
from typing import Any

from loguru import logger
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import (
    InputAudioRawFrame,
    LLMTextFrame,
    OutputAudioRawFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    UserStoppedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.observers.base_observer import BaseObserver, FramePushed
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.runner import PipelineRunner
from pipecat.pipeline.task import PipelineParams, PipelineTask
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import (
    LLMContextAggregatorPair,
    LLMUserAggregatorParams,
)
from pipecat.services.openai.llm import OpenAILLMService
from pipecat.services.piper.tts import PiperTTSService
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transcriptions.language import Language
from pipecat.transports.base_input import BaseInputTransport
from pipecat.transports.base_output import BaseOutputTransport
from pipecat.transports.base_transport import BaseTransport, TransportParams

IN_RATE = 16000
OUT_RATE = 24000
CHUNK_MS = 20
LEAD_MS = 300
GIVE_UP_S = 30.0
MARKS = {VADUserStoppedSpeakingFrame: "vad_stopped", UserStoppedSpeakingFrame: "turn_stopped",
         TranscriptionFrame: "transcribed", LLMTextFrame: "first_token", TTSAudioRawFrame: "first_audio"}


class Microphone(BaseInputTransport):
    async def start(self, frame: Any) -> None:
        await super().start(frame)
        await self.set_transport_ready(frame)

    async def say(self, frame: InputAudioRawFrame) -> None:
        await self.push_audio_frame(frame)


class Speaker(BaseOutputTransport):
    def __init__(self, params: TransportParams) -> None:
        super().__init__(params)
        self.first_audio: float | None = None

    async def start(self, frame: Any) -> None:
        await super().start(frame)
        await self.set_transport_ready(frame)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        if self.first_audio is None and any(frame.audio):
            self.first_audio = time.monotonic()
        return True


class BenchTransport(BaseTransport):
    def __init__(self, params: TransportParams) -> None:
        super().__init__()
        self.microphone, self.speaker = Microphone(params), Speaker(params)

    def input(self) -> Microphone:
        return self.microphone

    def output(self) -> Speaker:
        return self.speaker


class Marks(BaseObserver):
    """When each stage's first frame went by (monotonic seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: dict[str, float] = {}
        self.transcript = ""

    async def on_push_frame(self, data: FramePushed) -> None:
        for kind, name in MARKS.items():
            if isinstance(data.frame, kind) and name not in self.times:
                self.times[name] = time.monotonic()
                if isinstance(data.frame, TranscriptionFrame):
                    self.transcript = data.frame.text


async def turn(wav: Path, options: argparse.Namespace) -> dict[str, Any]:
    with wave.open(str(wav)) as file:
        speech = file.readframes(file.getnframes())
    params = TransportParams(audio_in_enabled=True, audio_in_sample_rate=IN_RATE, audio_out_enabled=True,
                             audio_out_sample_rate=OUT_RATE)
    transport = BenchTransport(params)
    stt = WhisperSTTService(device="cpu", compute_type="int8", settings=WhisperSTTService.Settings(
        model=options.whisper, language=Language.EN))
    llm = OpenAILLMService(api_key="bench", base_url=options.llm_url, settings=OpenAILLMService.Settings(model="eco"))
    tts = PiperTTSService(download_dir=Path(options.piper_dir), settings=PiperTTSService.Settings(
        voice="en_US-joe-medium"))
    aggregators = LLMContextAggregatorPair(LLMContext(), user_params=LLMUserAggregatorParams(
        vad_analyzer=SileroVADAnalyzer()))
    pipeline = Pipeline([transport.input(), stt, aggregators.user(), llm, tts, transport.output(),
                         aggregators.assistant()])
    marks = Marks()
    task = PipelineTask(pipeline, params=PipelineParams(audio_in_sample_rate=IN_RATE, audio_out_sample_rate=OUT_RATE),
                        observers=[marks])
    running = asyncio.create_task(PipelineRunner(handle_sigint=False).run(task))
    await asyncio.sleep(1.0)  # let the pipeline start
    started = await _stream(transport, speech)
    speech_end = started + (LEAD_MS + len(speech) / 2 / IN_RATE * 1000) / 1000
    await task.cancel()
    await running
    first_audio = transport.speaker.first_audio
    if first_audio is None:
        return {"end_to_first_audio_ms": None, "stages": {}, "transcript": marks.transcript, "error": "no reply"}
    total = round(1000 * (first_audio - speech_end), 1)
    return {"end_to_first_audio_ms": total, "stages": _stages(marks.times, speech_end, total),
            "transcript": marks.transcript, "error": ""}


async def _stream(transport: BenchTransport, speech: bytes) -> float:
    audio = bytes(LEAD_MS * IN_RATE // 1000 * 2) + speech
    step = IN_RATE * CHUNK_MS // 1000 * 2
    started = time.monotonic()
    deadline = started + len(audio) / 2 / IN_RATE + GIVE_UP_S
    sent = 0
    while transport.speaker.first_audio is None and time.monotonic() < deadline:
        await asyncio.sleep(max(0.0, started + (sent + step) / 2 / IN_RATE - time.monotonic()))
        chunk = audio[sent:sent + step]
        await transport.microphone.say(InputAudioRawFrame(chunk + bytes(step - len(chunk)), IN_RATE, 1))
        sent += step
    return started


def _stages(times: dict[str, float], speech_end: float, total: float) -> dict[str, float]:
    """The split Talkline reports: silence detected (VAD stop), then the turn both ended (Smart Turn) and
    transcribed (pipecat transcribes the VAD segment after the stop), first token, first audio."""
    points = {"end_of_turn": times.get("vad_stopped"),
              "stt": max(times.get("turn_stopped", 0.0), times.get("transcribed", 0.0)) or None,
              "agent_first_token": times.get("first_token"), "tts_first_audio": times.get("first_audio")}
    stages, previous = {}, speech_end
    for name, point in points.items():
        if point is None:
            return stages
        at = max(point, previous)
        stages[name] = round(1000 * (at - previous), 1)
        previous = at
    stages["delivery"] = round(total - 1000 * (previous - speech_end), 1)
    return stages


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-url", required=True, help="Talkline's OpenAI base URL, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument("--whisper", required=True, help="the CTranslate2 whisper-base folder")
    parser.add_argument("--piper-dir", required=True, help="the folder holding en_US-joe-medium.onnx")
    parser.add_argument("--log-level", default="WARNING", help="pipecat's log level on stderr (DEBUG shows its "
                        "end-of-turn verdicts)")
    options = parser.parse_args()
    logger.remove()
    logger.add(sys.stderr, level=options.log_level)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            result = await turn(Path(request["wav"]), options)
        except Exception as exc:  # a failed turn is reported, the harness goes on
            result = {"end_to_first_audio_ms": None, "stages": {}, "transcript": "",
                      "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
