"""The soak benchmark as one SVG picture: resident memory, threads, open file descriptors and reply
latency (p50 and p95) over the run, one panel each, with the end of the warm-up marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from talkline.bench.plot import _nice, _text

PANEL_W = 640
PANEL_H = 110
LEFT = 80
TOP = 50
GAP = 40
SERIES = (("rss_mb", "resident memory, MB", "#4477aa"), ("threads", "threads", "#228833"),
          ("fds", "open file descriptors", "#ccbb44"), ("reply_p50_ms", "reply latency p50 / p95, ms", "#ee6677"))


def write_soak_svg(result: dict[str, Any], path: Path) -> None:
    path.write_text(soak_svg(result))


def soak_svg(result: dict[str, Any]) -> str:
    samples = result["samples"]
    duration = max([s["t_s"] for s in samples] or [1.0])
    memory = result["memory"]
    width, height = LEFT + PANEL_W + 40, TOP + len(SERIES) * (PANEL_H + GAP) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">', f'<rect width="{width}" height="{height}" fill="white"/>',
             _text(10, 20, f"Talkline soak ({result['date']}, {duration:.0f} s): memory "
                           f"{memory['growth_pct']:+.2f} % after warm-up", 14, "bold")]
    for index, (key, title, colour) in enumerate(SERIES):
        top = TOP + index * (PANEL_H + GAP)
        points = [(s["t_s"], s[key]) for s in samples if s.get(key) is not None]
        upper = _nice(max([v for _, v in points] + [v for v in _p95(samples, key)] + [1.0]) * 1.1)
        parts += _panel(top, title, upper, duration, result["options"]["warmup_s"])
        parts.append(_line(points, top, upper, duration, colour))
        if key == "reply_p50_ms":
            parts.append(_line([(s["t_s"], s["reply_p95_ms"]) for s in samples if s["reply_p95_ms"] is not None],
                               top, upper, duration, "#aa3377", dashed=True))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _p95(samples: list[dict[str, Any]], key: str) -> list[float]:
    return [s["reply_p95_ms"] for s in samples if key == "reply_p50_ms" and s["reply_p95_ms"] is not None]


def _panel(top: float, title: str, upper: float, duration: float, warmup_s: float) -> list[str]:
    bottom = top + PANEL_H
    warm_x = LEFT + PANEL_W * min(warmup_s, duration) / duration
    return [_text(LEFT, top - 6, title, 12),
            f'<rect x="{LEFT}" y="{top}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#888"/>',
            f'<line x1="{warm_x:.1f}" x2="{warm_x:.1f}" y1="{top}" y2="{bottom}" stroke="#bbb" stroke-dasharray="4 3"/>',
            _text(LEFT - 6, top + 10, f"{upper:g}", 10, anchor="end"), _text(LEFT - 6, bottom, "0", 10, anchor="end"),
            _text(LEFT + PANEL_W, bottom + 14, f"{duration:.0f} s", 10, anchor="end")]


def _line(points: list[tuple[float, float]], top: float, upper: float, duration: float, colour: str,
          dashed: bool = False) -> str:
    coordinates = " ".join(f"{LEFT + PANEL_W * t / duration:.1f},{top + PANEL_H * (1 - v / upper):.1f}"
                           for t, v in points)
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    return f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="1.5"{dash}/>'
