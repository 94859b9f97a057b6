"""`talkline bench browser`: mouth-to-ear latency of the web call page, measured inside Chromium.

Chromium's fake microphone plays a WAV made of spoken questions, each followed by digital silence
long enough for the whole reply, so the end of every utterance is exact. Inside the page, the capture
worklet stamps the last voiced microphone sample and the playback worklet the first played sample of
the reply, both on the AudioContext clock (`window.talklineLatency`). Each browser configuration
(the page's query-string knobs: capture chunk, playback start threshold, noise suppression) runs
its turns on the same server, followed by the same questions over the protocol (a Python client
streaming 20 ms chunks, from the last voiced sample, as the page counts, to the first
`response.output_audio.delta`), so the browser's own share is the difference between figures
measured under the same load.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from talkline.audio import Pcm, wav_bytes
from talkline.bench.processes import talkline_server
from talkline.bench.realtime_client import realtime_turn
from talkline.bench.speech import english_utterances
from talkline.bench.turns import Utterance

CHROMIUM = Path("/usr/bin/chromium")
# name -> the page's query string: the old capture chunk, today's defaults, and the knobs either side
CONFIGS = {
    "40 ms capture chunks (the old page)": "chunk_ms=40",
    "20 ms capture chunks (the page now)": "",
    "10 ms capture chunks": "chunk_ms=10",
    "20 ms chunks + 80 ms playback start buffer": "start_ms=80",
}
REPLY_ROOM_S = 12.0  # silence after each question: the reply plays out before the next one


@dataclass
class Options:
    turns: int = 20
    silence_ms: int = 500
    configs: tuple[str, ...] = tuple(CONFIGS)


def microphone(turns: int) -> tuple[Pcm, list[str]]:
    """The questions in order, each followed by silence; the same list of texts."""
    utterances = [english_utterances()[i % len(english_utterances())] for i in range(turns)]
    audio = Pcm.silence(1500, 24000)
    for _, speech in utterances:
        audio = audio + speech + Pcm.silence(REPLY_ROOM_S * 1000, 24000)
    return audio, [text for text, _ in utterances]


async def browser_turns(url: str, query: str, wav: Path, turns: int) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"])
        try:
            context = await browser.new_context(permissions=["microphone"])
            # the page's own capture and playback path (its worklets stamp both ends); over WebRTC the
            # browser's media stack does both, measured by `talkline bench webrtc` instead
            await context.add_init_script("localStorage.setItem('talkline.transport', 'websocket')")
            page = await context.new_page()
            server_timings: dict[str, dict[str, Any]] = {}  # reply item id -> response.done timings
            page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: _timings(frame, server_timings)))
            await page.goto(f"{url}/?{query}")
            await page.wait_for_selector("body[data-ready=true]")
            await page.select_option("#profile", "eco")
            await page.click("#call-button")
            deadline = time.monotonic() + turns * (REPLY_ROOM_S + 6) + 60
            while time.monotonic() < deadline:
                marks = await page.evaluate("window.talklineLatency ?? []")
                if len(marks) >= turns:
                    break
                await asyncio.sleep(1)
            await page.click("#end-button")
            return [{**mark, "server": server_timings.get(mark["itemId"], {})} for mark in marks[:turns]]
        finally:
            await browser.close()


def _timings(frame: str | bytes, into: dict[str, dict[str, Any]]) -> None:
    event = json.loads(frame)
    if event.get("type") == "response.done" and event["response"].get("timings"):
        for item in event["response"].get("output", []):
            into[item.get("id", "")] = event["response"]["timings"]


def _stats(values: list[float]) -> dict[str, float | None]:
    return {"p50": _percentile(values, 50), "p95": _percentile(values, 95), "n": len(values)}


VOICED = 0.01  # the page's capture worklet counts a sample as voiced from this level (about -40 dBFS)


def quiet_tail_ms(speech: Pcm) -> float:
    """How long the clip goes on after its last voiced sample (synthesised speech ends in a quiet tail)."""
    samples = np.frombuffer(speech.data, dtype="<i2")
    voiced = np.flatnonzero(np.abs(samples) >= VOICED * 32768)
    last = int(voiced[-1]) + 1 if voiced.size else len(samples)
    return (len(samples) - last) * 1000 / speech.rate


async def _protocol_turns(url: str, texts: list[str], silence_ms: int) -> list[Any]:
    """The same questions over the protocol, counted like the page: from the last voiced sample."""
    speech = dict(english_utterances())
    turns = []
    for text in texts:
        detection = {"type": "server_vad", "silence_duration_ms": silence_ms}
        turn = await realtime_turn(url, "protocol", Utterance(text, speech[text]), detection)
        if turn.end_to_first_audio_ms is not None:
            turn.end_to_first_audio_ms = round(turn.end_to_first_audio_ms + quiet_tail_ms(speech[text]), 1)
        turns.append(turn)
    return turns


def run(options: Options, output: Path | None = None, say: Any = print) -> dict[str, Any]:
    audio, texts = microphone(options.turns)
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="talkline-bench-browser-") as work:
        wav = Path(work) / "microphone.wav"
        wav.write_bytes(wav_bytes(audio))
        with talkline_server(Path(work) / "server", {"TALKLINE_DEMO_TOKEN_ROUTE": "true"}, timeout_s=300) as server:
            for name in options.configs:
                say(f"{name}: {options.turns} turns in Chromium…")
                marks = asyncio.run(browser_turns(server.http_url, CONFIGS[name], wav, options.turns))
                say("  and the same questions over the protocol…")
                protocol_turns = asyncio.run(_protocol_turns(server.http_url, texts, options.silence_ms))
                protocol = [t.end_to_first_audio_ms for t in protocol_turns if t.end_to_first_audio_ms is not None]
                # the server counts from its VAD's speech end, which trails the true end a little: the same
                # difference measured over the protocol is that trail, so the page's own share is the rest
                protocol_trail = [t.end_to_first_audio_ms - t.server["first_audio"] for t in protocol_turns
                                  if t.end_to_first_audio_ms is not None and "first_audio" in t.server]
                browser_ms = [mark["ms"] for mark in marks]
                server_ms = [mark["server"]["first_audio"] for mark in marks if "first_audio" in mark.get("server", {})]
                rows[name] = {
                    "query": CONFIGS[name],
                    "browser_mouth_to_ear_ms": _stats(browser_ms),
                    "output_latency_ms": _stats([mark.get("outputLatencyMs", 0.0) for mark in marks]),
                    # first audio delta received -> its first sample at the speaker (playback path + output)
                    "arrival_to_speaker_ms": _stats([mark["arrivalToSpeakerMs"] for mark in marks
                                                     if "arrivalToSpeakerMs" in mark]),
                    "server_speech_end_to_first_audio_ms": _stats(server_ms),
                    "protocol_end_to_first_audio_ms": _stats(protocol),
                    "browser_minus_protocol_p50_ms": _difference(browser_ms, protocol),
                    # same turn: the page's figure minus the server's own speech end -> first audio
                    "browser_minus_server_ms": _stats([mark["ms"] - mark["server"]["first_audio"] for mark in marks
                                                       if "first_audio" in mark.get("server", {})]),
                    "protocol_minus_server_ms": _stats(protocol_trail),
                    "turns": marks,
                    "protocol_turns": [t.end_to_first_audio_ms for t in protocol_turns],
                }
    for row in rows.values():
        a, b = row["browser_minus_server_ms"]["p50"], row["protocol_minus_server_ms"]["p50"]
        row["page_share_p50_ms"] = None if a is None or b is None else round(a - b, 1)
    result = {"benchmark": "browser", "date": time.strftime("%Y-%m-%d %H:%M:%S"), "turns": options.turns,
              "silence_duration_ms": options.silence_ms, "configs": rows}
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2))
        output.with_suffix(".svg").write_text(plot(result))
    return result


def _percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def _difference(browser_ms: list[float], protocol_ms: list[float]) -> float | None:
    a, b = _percentile(browser_ms, 50), _percentile(protocol_ms, 50)
    return None if a is None or b is None else round(a - b, 1)


def print_browser(result: dict[str, Any], say: Any = print) -> None:
    say(f"{'configuration':<46} {'browser p50/p95':>16} {'protocol p50/p95':>17} {'+p50':>7} {'page share p50':>15}")
    for name, row in result["configs"].items():
        browser, protocol = row["browser_mouth_to_ear_ms"], row["protocol_end_to_first_audio_ms"]
        plus, share = row["browser_minus_protocol_p50_ms"], row["page_share_p50_ms"]
        say(f"{name:<46} {_pair(browser):>16} {_pair(protocol):>17} {plus if plus is not None else '–':>7} "
            f"{share if share is not None else '–':>15}")
    say("page share: (page mouth-to-ear − server speech end → first audio) − (the same over the protocol), per turn")


def _pair(stats: dict[str, Any]) -> str:
    if stats["p50"] is None:
        return "–"
    return f"{stats['p50']:.0f}/{stats['p95']:.0f} ms"


def plot(result: dict[str, Any]) -> str:
    """Every turn as a dot, browser and protocol side by side per configuration, with p50 marked (SVG)."""
    rows = []
    for name, row in result["configs"].items():
        rows.append((f"{name} — browser", [t["ms"] for t in row["turns"]], row["browser_mouth_to_ear_ms"]["p50"]))
        rows.append(("protocol, same run", [v for v in row["protocol_turns"] if v is not None],
                     row["protocol_end_to_first_audio_ms"]["p50"]))
    values = [v for _, points, _ in rows for v in points] + [p for *_, p in rows if p]
    top = max(values or [1000]) * 1.1
    width, left, height = 900, 330, 28 * len(rows) + 60
    x = lambda ms: left + (width - left - 20) * ms / top  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
             f'<text x="10" y="18" font-weight="bold">Mouth-to-ear latency (ms), {result["date"]}</text>']
    for i, (label, points, p50) in enumerate(rows):
        y = 44 + 28 * i
        parts.append(f'<text x="10" y="{y + 4}">{label}</text>')
        parts += [f'<circle cx="{x(v):.1f}" cy="{y}" r="3" fill="#2f6fde" fill-opacity="0.6"/>' for v in points]
        if p50:
            parts.append(f'<line x1="{x(p50):.1f}" x2="{x(p50):.1f}" y1="{y - 9}" y2="{y + 9}" stroke="#b42828" '
                         f'stroke-width="2"/><text x="{x(p50) + 4:.1f}" y="{y - 8}" fill="#b42828">{p50:.0f}</text>')
    for tick in range(0, int(top) + 1, max(100, int(top / 8) // 100 * 100)):
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 8}" text-anchor="middle" fill="#555">{tick}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
