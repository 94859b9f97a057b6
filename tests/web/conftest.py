"""End-to-end tests of the call page in Debian's Chromium, driven by Playwright, against a real server (the app
in-process on the real models: the browser's microphone plays real speech). Every test on it is e2e.

The server runs with a server key and the demo token route switched on, so everything the page does
works with the short-lived client secrets it mints for itself. Each test launches its own Chromium,
because the fake microphone (a WAV file) is a launch flag. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, Playwright, async_playwright

from talkline.audio import Pcm, wav_bytes
from talkline.engines.base import Engines
from tests.server_process import REPO
from tests.servers import LiveServer, live_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "artifacts" / "screenshots"
SERVER_KEY = "tl-web-test-key"  # only the test uses it: the page never sees it
MAX_SESSIONS = 3


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith("tests/web/") and "server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
async def server(tmp_path_factory: pytest.TempPathFactory, local_engines: Engines,
                 eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("web-server"), local_engines, api_keys=SERVER_KEY,
                           demo_token_route=True, max_sessions=MAX_SESSIONS, secret_mint_per_minute=120) as running:
        yield running


@pytest.fixture(scope="package")
def chromium() -> Path:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture(scope="package")
async def playwright(chromium: Path) -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


@pytest.fixture
async def launch(playwright: Playwright, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """launch(microphone: Pcm, loop=False) -> Browser whose microphone plays that audio once (then silence),
    or over and over."""
    browsers: list[Browser] = []

    async def start(microphone: Pcm, loop: bool = False) -> Browser:
        wav = tmp_path / f"microphone-{len(browsers)}.wav"
        wav.write_bytes(wav_bytes(microphone))
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox",  # the tests run as root
            "--disable-gpu",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}{'' if loop else '%noloop'}",
        ])
        browsers.append(browser)
        return browser

    yield start
    for browser in browsers:
        await browser.close()


async def open_page(browser: Browser, server: LiveServer, *, microphone_allowed: bool = True,
                    viewport: dict[str, int] | None = None, language: str = "en",
                    transport: str = "websocket") -> Page:
    """`transport`: "webrtc" lets the page call over WebRTC (its default); the tests that read the Realtime
    frames on the wire keep the WebSocket."""
    context = await browser.new_context(permissions=["microphone"] if microphone_allowed else [],
                                        viewport=viewport or {"width": 1100, "height": 900})
    await context.add_init_script(f"localStorage.setItem('talkline.language', '{language}')")
    if transport == "websocket":
        await context.add_init_script("localStorage.setItem('talkline.transport', 'websocket')")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.script_errors = errors  # type: ignore[attr-defined]
    await page.goto(server.http_url + "/")
    await page.wait_for_selector("body[data-ready=true]")
    return page


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = (320, 390, 768, 1280)
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


async def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (pinned axe-core from npm)."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run scripts/install test (it installs axe-core with npm)")
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.add_script_tag(path=str(AXE))
    results = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in results["violations"]
            if v["impact"] in ("serious", "critical")]


async def overflow_px(page: Page) -> int:
    """How far the page is wider than the viewport (0 when nothing sticks out)."""
    return int(await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


async def screenshots(page: Page, name: str) -> None:
    """The page as it is now, at phone and desktop size, light and dark."""
    original = page.viewport_size
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            await page.set_viewport_size(viewport)
            await screenshot(page, f"{name}-{size}-{scheme}")
    await page.emulate_media(color_scheme="light")
    if original:
        await page.set_viewport_size(original)


async def check_every_size(page: Page, name: str | None = None) -> None:
    """No horizontal overflow at phone to desktop widths, no serious contrast or other accessibility
    violations in light and dark mode, and (with a name) screenshots at phone and desktop size in both."""
    original = page.viewport_size
    problems: list[str] = []
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 844 if width < 700 else 900})
            if (extra := await overflow_px(page)) > 0:
                problems.append(f"{scheme} {width}px: {extra}px wider than the screen")
            if width in (390, 1280):
                problems += [f"{scheme} {width}px: {v}" for v in await serious_accessibility_violations(page)]
                if name:
                    await screenshot(page, f"{name}-{'phone' if width == 390 else 'desktop'}-{scheme}")
    await page.emulate_media(color_scheme="light")
    if original:
        await page.set_viewport_size(original)
    assert not problems, problems


class Wire:
    """Every Realtime frame the page sent and received, in order, parsed."""

    def __init__(self, page: Page) -> None:
        self.frames: list[tuple[str, dict[str, Any]]] = []
        page.on("websocket", self._attach)

    def _attach(self, socket: Any) -> None:
        socket.on("framesent", lambda payload: self.frames.append(("sent", json.loads(payload))))
        socket.on("framereceived", lambda payload: self.frames.append(("received", json.loads(payload))))

    def sent(self, event_type: str) -> list[dict[str, Any]]:
        return [event for way, event in self.frames if way == "sent" and event["type"] == event_type]

    def received(self, event_type: str) -> list[dict[str, Any]]:
        return [event for way, event in self.frames if way == "received" and event["type"] == event_type]

    async def wait_sent(self, event_type: str, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        """The frames of `event_type` the page sent, once there is at least one (frames arrive asynchronously)."""
        for _ in range(int(timeout_s / 0.05)):
            if frames := self.sent(event_type):
                return frames
            await asyncio.sleep(0.05)
        raise AssertionError(f"the page sent no {event_type} within {timeout_s} s")

    def audio_ms(self, item_id: str) -> float:
        """Milliseconds of reply audio the server sent for one item (24 kHz pcm16, base64)."""
        import base64

        return sum(len(base64.b64decode(event["delta"])) for event in self.received("response.output_audio.delta")
                   if event["item_id"] == item_id) / 48


def speech_with_pauses(*parts: Pcm | float) -> Pcm:
    """Speech and pauses (seconds) in order, as one 24 kHz recording."""
    audio = Pcm(b"", 24000)
    for part in parts:
        audio = audio + (Pcm.silence(part * 1000, 24000) if isinstance(part, int | float) else part)
    return audio

