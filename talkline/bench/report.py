"""Benchmark results as tables in the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_latency(result: dict[str, Any]) -> None:
    table = Table(title=f"Last voiced sample → first reply audio (silence_duration_ms {result['silence_duration_ms']})")
    for column in ("mode", "turns", "cut", "failed", "p50 ms", "p95 ms", "end of turn", "STT", "agent", "TTS",
                   "delivery", "speculated", "thrown away"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    for mode, summary in result["summary"].items():
        total, stages = summary["end_of_speech_to_first_audio_ms"], summary["stages_ms"]
        table.add_row(mode, str(summary["turns"]), str(summary["cut_ins"]), str(summary["failed"]),
                      _ms(total["p50"]), _ms(total["p95"]),
                      *(_ms(stages[stage]["p50"]) for stage in ("end_of_turn", "stt", "agent_first_token",
                                                                 "tts_first_audio", "delivery")),
                      *_speculation(summary.get("speculation", {})))
    console = Console()
    console.print(table)
    console.print("stage columns are medians; cut: turns ended at a mid-sentence pause (left out of the latency)")
    console.print("speculated: replies prepared at a pause, used/prepared; thrown away: discarded replies and the "
                  "seconds of speech they had synthesised")
    console.print(f"memory per open session: {result['memory_per_session_mb']} MB")


def _speculation(summary: dict[str, Any]) -> tuple[str, str]:
    if not summary.get("prepared"):
        return "-", "-"
    return (f"{summary['used']:.0f}/{summary['prepared']:.0f}",
            f"{summary['discarded']:.0f} ({summary['discarded_audio_s']:.1f} s)")


def print_jobs(result: dict[str, Any]) -> None:
    table = Table(title=f"Voice jobs ({result['jobs']} sequential jobs per mode)")
    for column in ("mode", "first audio_chunk p50", "p95", "audio_complete p50", "p95"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    for mode, summary in result["modes"].items():
        first, complete = summary["upload_to_first_audio_chunk_ms"], summary["upload_to_audio_complete_ms"]
        table.add_row(mode, _ms(first["p50"]), _ms(first["p95"]), _ms(complete["p50"]), _ms(complete["p95"]))
    console = Console()
    console.print(table)
    rates = ", ".join(f"{workers} worker(s): {rate} jobs/min"
                      for workers, rate in result["throughput_jobs_per_minute"].items())
    console.print(f"throughput ({result['throughput_jobs']} jobs at once): {rates}")
