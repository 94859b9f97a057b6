"""`talkline bench latency`: from the moment a person stops speaking to the first audio of the reply.

Utterances are trimmed to their voiced part and streamed at real-time pace in 20 ms chunks, so the
clock starts at the last voiced sample (see talkline/bench/turns.py). Modes, all in one run, turns
interleaved so every mode sees the same machine load:

- `realtime`: English questions over the Realtime WebSocket, server_vad (`silence_duration_ms`), with
  speculative replies (the server's default).
- `unspeculated`: the same with speculative replies off for the session (`?speculate=off`).
- `rest`: the same questions as transcription → chat completion → speech, one request after another.
- `semantic`: the same questions with `semantic_vad` (the end-of-turn model judges each pause).
- `korean`: espeak-ng Korean questions to `eco` and `practice`, and the real recorded clip, server_vad.
- `paused`: sentences with a pause mid-sentence (English Piper, Korean espeak-ng, the real clip), once
  with server_vad and once with semantic_vad: how often the turn is cut at the pause, and the latency.
- `pipecat`: the English questions through pipecat 1.14 on the same models (bench/pipecat/harness.py,
  in its own environment).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from talkline.audio import resample
from talkline.bench.memory import session_memory_mb
from talkline.bench.pipecat import PipecatHarness
from talkline.bench.plot import write_latency_svg
from talkline.bench.processes import talkline_server
from talkline.bench.realtime_client import CHUNK_MS, realtime_turn
from talkline.bench.rest_client import rest_turn
from talkline.bench.speech import (
    KOREAN_CLIP_PAUSED,
    KOREAN_CLIP_TRANSCRIPT,
    KOREAN_QUESTIONS,
    PAUSED_QUESTIONS,
    QUESTIONS,
    english_speech,
    korean_clip,
    korean_speech,
    paused,
    trim,
)
from talkline.bench.turns import STAGES, TurnResult, Utterance

RATE = 24000
PAUSE_MS = 800  # the pause inserted mid-sentence: longer than server_vad's 500 ms silence
ALL_MODES = ("realtime", "unspeculated", "rest", "semantic", "korean", "paused", "pipecat")
SPECULATION_METRICS = ("talkline_speculative_replies", "talkline_speculative_audio_discarded_seconds")
SEMANTIC = {"type": "semantic_vad", "eagerness": "auto"}

Run = Callable[[Utterance], Awaitable[TurnResult]]


@dataclass(frozen=True)
class Mode:
    name: str
    utterances: list[Utterance]
    run: Run


def english_questions() -> list[Utterance]:
    return [Utterance(text, trim(english_speech(text, RATE))) for text in QUESTIONS]


def korean_questions() -> list[Utterance]:
    clip = trim(resample(korean_clip(), RATE))
    spoken = [Utterance(text, trim(korean_speech(text, RATE)), profile, "ko")
              for profile, texts in KOREAN_QUESTIONS.items() for text in texts]
    return [*spoken, Utterance(KOREAN_CLIP_TRANSCRIPT, clip, "practice", "ko"),
            Utterance(KOREAN_CLIP_TRANSCRIPT, clip, "eco", "ko")]


def paused_sentences() -> list[Utterance]:
    utterances = []
    for language, speak in (("en", english_speech), ("ko", korean_speech)):
        for marked in PAUSED_QUESTIONS[language]:
            text, audio = paused(marked, lambda t, speak=speak: speak(t, RATE), PAUSE_MS)
            utterances.append(Utterance(text, audio, "eco", language, complete=False))
    text, audio = paused(KOREAN_CLIP_PAUSED, lambda _: resample(korean_clip(), RATE), PAUSE_MS)
    return [*utterances, Utterance(text, audio, "practice", "ko", complete=False)]


def build_modes(names: tuple[str, ...], url: str, silence_ms: int, pipecat: PipecatHarness | None) -> list[Mode]:
    server_vad = {"type": "server_vad", "silence_duration_ms": silence_ms}

    def realtime(mode: str, detection: dict[str, Any], speculate: bool = True) -> Run:
        return lambda utterance: realtime_turn(url, mode, utterance, detection, speculate=speculate)

    modes = []
    if "realtime" in names:
        modes.append(Mode("realtime", english_questions(), realtime("realtime", server_vad)))
    if "unspeculated" in names:
        modes.append(Mode("realtime, speculation off", english_questions(),
                          realtime("realtime, speculation off", server_vad, speculate=False)))
    if "rest" in names:
        modes.append(Mode("rest", english_questions(), lambda u: rest_turn(url, "rest", u)))
    if "semantic" in names:
        modes.append(Mode("semantic", english_questions(), realtime("semantic", SEMANTIC)))
    if "korean" in names:
        modes.append(Mode("korean", korean_questions(), realtime("korean", server_vad)))
    if "paused" in names:
        modes.append(Mode("paused, server_vad", paused_sentences(), realtime("paused, server_vad", server_vad)))
        modes.append(Mode("paused, semantic", paused_sentences(), realtime("paused, semantic", SEMANTIC)))
    if "pipecat" in names and pipecat is not None:
        modes.append(Mode("pipecat", english_questions(), pipecat.turn))
    return modes


def run(turns_per_mode: int = 24, silence_ms: int = 500, output: Path | None = None,
        modes: tuple[str, ...] = ALL_MODES, pipecat_python: Path | None = None) -> dict[str, Any]:
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="talkline-bench-")))
        server = stack.enter_context(talkline_server(work / "talkline", timeout_s=300))
        harness = (stack.enter_context(PipecatHarness.start(pipecat_python, server.http_url + "/v1", work))
                   if pipecat_python and "pipecat" in modes else None)
        chosen = build_modes(modes, server.http_url, silence_ms, harness)
        results: list[TurnResult] = []
        for index in range(turns_per_mode):
            for mode in chosen:  # interleaved: every mode sees the same machine load
                utterance = mode.utterances[index % len(mode.utterances)]
                before = speculation_counts(server.http_url)
                result = asyncio.run(_guarded(mode, utterance))
                time.sleep(0.2)  # a speculation dropped as the session closes is counted by then
                result.speculation = _difference(speculation_counts(server.http_url), before)
                results.append(result)
        memory = session_memory_mb(server)
    result = {"benchmark": "latency", "date": time.strftime("%Y-%m-%d %H:%M:%S"), "silence_duration_ms": silence_ms,
              "chunk_ms": CHUNK_MS, "pause_ms": PAUSE_MS, "machine": _machine(),
              "summary": summarize(results), "memory_per_session_mb": round(memory, 2),
              "turns": [asdict(r) for r in results]}
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        write_latency_svg(result, output.with_suffix(".svg"))
    return result


def speculation_counts(url: str) -> dict[str, float]:
    """The server's speculative-reply counters: replies prepared at a pause by outcome (`used`, or discarded:
    `resumed`, `changed`, `unused`), and `discarded_audio_s`, seconds of speech synthesised and thrown away."""
    from prometheus_client.parser import text_string_to_metric_families

    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(httpx.get(url + "/metrics", timeout=10).text):
        if family.name not in SPECULATION_METRICS:
            continue
        for sample in family.samples:
            if sample.name.endswith("_total"):
                key = sample.labels.get("outcome", "discarded_audio_s")
                counts[key] = counts.get(key, 0.0) + sample.value
    return counts


def _difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    changed = {key: round(value - before.get(key, 0.0), 3) for key, value in after.items()}
    return {key: value for key, value in changed.items() if value}


async def _guarded(mode: Mode, utterance: Utterance) -> TurnResult:
    try:
        return await mode.run(utterance)
    except Exception as exc:  # one failed turn is a result, not the end of the run
        return TurnResult(mode.name, utterance.text, utterance.profile, utterance.language,
                          utterance.audio.duration_ms, None, error=f"{type(exc).__name__}: {exc}")


def summarize(results: list[TurnResult]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for mode in dict.fromkeys(r.mode for r in results):
        mine = [r for r in results if r.mode == mode]
        answered = [r for r in mine if r.end_to_first_audio_ms is not None and not r.cut_in]
        totals = [r.end_to_first_audio_ms for r in answered if r.end_to_first_audio_ms is not None]
        summary[mode] = {
            "turns": len(mine), "failed": sum(bool(r.error) for r in mine),
            "speculation": _speculation_summary(mine),
            "cut_ins": sum(r.cut_in for r in mine), "cut_in_rate": round(sum(r.cut_in for r in mine) / len(mine), 3),
            "end_of_speech_to_first_audio_ms": _stats(totals),
            "stages_ms": {stage: _stats([r.stages[stage] for r in answered if stage in r.stages])
                          for stage in STAGES},
        }
    return summary


def _speculation_summary(turns: list[TurnResult]) -> dict[str, float]:
    """Speculative replies over a mode's turns: prepared, used, discarded, and the audio thrown away."""
    totals: dict[str, float] = {}
    for turn in turns:
        for key, value in turn.speculation.items():
            totals[key] = totals.get(key, 0.0) + value
    discarded = sum(value for key, value in totals.items() if key not in ("used", "discarded_audio_s"))
    prepared = discarded + totals.get("used", 0.0)
    return {"prepared": prepared, "used": totals.get("used", 0.0), "discarded": discarded,
            "discarded_share": round(discarded / prepared, 3) if prepared else 0.0,
            "discarded_audio_s": round(totals.get("discarded_audio_s", 0.0), 2),
            **{f"discarded_{key}": value for key, value in totals.items() if key not in ("used", "discarded_audio_s")}}


def _stats(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "mean": None}
    return {"p50": round(float(np.percentile(values, 50)), 1), "p95": round(float(np.percentile(values, 95)), 1),
            "mean": round(statistics.fmean(values), 1)}


def _machine() -> dict[str, Any]:
    import os
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average": os.getloadavg()}
