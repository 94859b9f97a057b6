"""The latency benchmark as one SVG picture: every turn per mode with its p50 and p95 (left), and
where the time goes, the median of each stage (right). Plain SVG text: no plotting library."""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import Any

from talkline.bench.turns import STAGES

ROW = 34
TOP = 64
LABEL_W = 210
PANEL_W = 360
GAP = 40
COLOURS = {"end_of_turn": "#8da0cb", "stt": "#66c2a5", "agent_first_token": "#fc8d62",
           "tts_first_audio": "#e78ac3", "delivery": "#a6d854"}
STAGE_NAMES = {"end_of_turn": "end of turn", "stt": "STT", "agent_first_token": "agent",
               "tts_first_audio": "TTS first audio", "delivery": "delivery"}


def write_latency_svg(result: dict[str, Any], path: Path) -> None:
    path.write_text(latency_svg(result))


def latency_svg(result: dict[str, Any]) -> str:
    modes = list(result["summary"])
    totals = {m: [t["end_to_first_audio_ms"] for t in result["turns"]
                  if t["mode"] == m and t["end_to_first_audio_ms"] is not None and not t["cut_in"]] for m in modes}
    scale_max = _nice(max([v for values in totals.values() for v in values] or [1000]), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5,
                                                                                     6, 8, 10))
    height = TOP + ROW * len(modes) + 70
    width = LABEL_W + 2 * PANEL_W + GAP + 60
    left, right = LABEL_W, LABEL_W + PANEL_W + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">', f'<rect width="{width}" height="{height}" fill="white"/>',
             _text(10, 20, f"Talkline latency from the last voiced sample to the first reply audio "
                           f"({result['date']}, silence_duration_ms {result['silence_duration_ms']})", 14, "bold"),
             _text(left, 46, "every turn (dots), p50 (bar) and p95 (tick), ms", 12),
             _text(right, 46, "median of each stage, ms", 12)]
    parts += _axis(left, TOP + ROW * len(modes), scale_max)
    parts += _axis(right, TOP + ROW * len(modes), scale_max)
    for row, mode in enumerate(modes):
        y = TOP + ROW * row + ROW / 2
        summary = result["summary"][mode]
        label = mode + (f" ({summary['cut_ins']}/{summary['turns']} cut)" if summary["cut_ins"] else "")
        parts.append(_text(LABEL_W - 8, y + 4, label, 12, anchor="end"))
        parts += _distribution(left, y, totals[mode], summary["end_of_speech_to_first_audio_ms"], scale_max)
        parts += _stages(right, y, summary["stages_ms"], scale_max)
    parts += _legend(right, TOP + ROW * len(modes) + 40)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _distribution(x0: float, y: float, values: list[float], stats: dict[str, Any], scale_max: float) -> list[str]:
    parts = []
    for index, value in enumerate(values):
        jitter = ((index * 7) % 11 - 5) * 1.2
        parts.append(f'<circle cx="{_x(x0, value, scale_max):.1f}" cy="{y + jitter:.1f}" r="2.5" '
                     f'fill="#4477aa" fill-opacity="0.5"/>')
    if stats["p50"] is not None:
        p50, p95 = _x(x0, stats["p50"], scale_max), _x(x0, stats["p95"], scale_max)
        parts.append(f'<line x1="{p50:.1f}" x2="{p50:.1f}" y1="{y - 11}" y2="{y + 11}" stroke="black" stroke-width="3"/>')
        parts.append(f'<line x1="{p95:.1f}" x2="{p95:.1f}" y1="{y - 7}" y2="{y + 7}" stroke="#aa3377" stroke-width="2"/>')
        parts.append(_text(min(p95 + 6, x0 + PANEL_W - 70), y - 8, f"{stats['p50']:.0f} / {stats['p95']:.0f}", 10))
    return parts


def _stages(x0: float, y: float, stages: dict[str, Any], scale_max: float) -> list[str]:
    parts, at = [], 0.0
    for stage in STAGES:
        median = stages.get(stage, {}).get("p50")
        if median is None:
            continue
        start, width = _x(x0, at, scale_max), max(0.0, _x(x0, at + median, scale_max) - _x(x0, at, scale_max))
        parts.append(f'<rect x="{start:.1f}" y="{y - 9}" width="{width:.1f}" height="18" fill="{COLOURS[stage]}">'
                     f'<title>{STAGE_NAMES[stage]}: {median:.0f} ms</title></rect>')
        at += max(0.0, median)
    return parts


def _axis(x0: float, y: float, scale_max: float) -> list[str]:
    step = _nice(scale_max / 5)
    parts = [f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{y}" y2="{y}" stroke="#888"/>']
    tick = 0.0
    while tick <= scale_max + 1e-9:
        x = _x(x0, tick, scale_max)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 6}" y2="{y + 4}" stroke="#ddd"/>')
        parts.append(_text(x, y + 16, f"{tick:.0f}", 10, anchor="middle"))
        tick += step
    return parts


def _legend(x0: float, y: float) -> list[str]:
    parts, x = [], x0
    for stage in STAGES:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[stage]}"/>')
        parts.append(_text(x + 14, y, STAGE_NAMES[stage], 10))
        x += 16 + 6.5 * len(STAGE_NAMES[stage]) + 12
    return parts


def _x(x0: float, value: float, scale_max: float) -> float:
    return x0 + PANEL_W * min(max(value, 0.0), scale_max) / scale_max


def _nice(value: float, steps: tuple[float, ...] = (1, 2, 2.5, 5, 10)) -> float:
    """The smallest of `steps` × 10^n at or above `value`."""
    magnitude = 10 ** math.floor(math.log10(max(value, 1e-9)))
    return next(m * magnitude for m in steps if m * magnitude >= value)


def _text(x: float, y: float, text: str, size: int, weight: str = "normal", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')


def write_transport_svg(result: dict[str, Any], path: Path) -> None:
    """`talkline bench webrtc`: every turn per transport with its p50 and p95."""
    transports = list(result["summary"])
    values = {t: [v for v in result["turns"][t] if v is not None] for t in transports}
    scale_max = _nice(max([v for vs in values.values() for v in vs] or [1000]), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10))
    height, width = TOP + ROW * len(transports) + 40, LABEL_W + PANEL_W + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">', f'<rect width="{width}" height="{height}" fill="white"/>',
             _text(10, 20, f"Last voiced sample sent to first reply audio ({result['date']})", 14, "bold"),
             _text(LABEL_W, 46, "every turn (dots), p50 (bar) and p95 (tick), ms", 12)]
    parts += _axis(LABEL_W, TOP + ROW * len(transports), scale_max)
    for row, transport in enumerate(transports):
        y = TOP + ROW * row + ROW / 2
        parts.append(_text(LABEL_W - 8, y + 4, transport, 12, anchor="end"))
        parts += _distribution(LABEL_W, y, values[transport], result["summary"][transport], scale_max)
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")
