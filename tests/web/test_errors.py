"""Errors are shown with their reason and a way out: a blocked microphone, a full server, a file
that is not audio."""

from __future__ import annotations

from pathlib import Path

from openai import AsyncOpenAI

from talkline.audio import Pcm
from tests.server_process import ServerProcess
from tests.web.conftest import MAX_SESSIONS, SERVER_KEY, open_page, screenshot


async def test_a_blocked_microphone_is_explained_and_retry_works_once_allowed(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(3000, 24000))
    page = await open_page(browser, server, microphone_allowed=False)
    await page.click("#call-button")
    await page.wait_for_selector('#panel-call[data-state="error"]')
    alert = page.get_by_role("alert")
    assert "microphone is blocked" in await alert.inner_text()
    await screenshot(page, "error-microphone")

    await page.context.grant_permissions(["microphone"])
    await page.click("#retry-button")
    await page.wait_for_selector('#panel-call[data-state="listening"]')
    assert await page.locator("#call-error").is_hidden()
    await page.click("#end-button")


async def test_a_full_server_refuses_the_call_with_its_reason(launch, server: ServerProcess) -> None:
    client = AsyncOpenAI(base_url=server.http_url + "/v1", api_key=SERVER_KEY, websocket_base_url=server.ws_url + "/v1")
    browser = await launch(Pcm.silence(3000, 24000))
    page = await open_page(browser, server)
    held = [client.realtime.connect(model="eco") for _ in range(MAX_SESSIONS)]
    connections = [await manager.enter() for manager in held]
    for connection in connections:
        assert (await connection.recv()).type == "session.created"
    try:
        await page.click("#call-button")
        await page.wait_for_selector('#panel-call[data-state="error"]')
        text = await page.inner_text("#call-error-text")
        assert "busy with other calls" in text and "session_limit" not in text.split("(")[0]
        await screenshot(page, "error-server-busy")
    finally:
        for manager in held:
            await manager.__aexit__(None, None, None)

    await page.click("#retry-button")
    await page.wait_for_selector('#panel-call[data-state="listening"]')
    await page.click("#end-button")


async def test_a_file_that_is_not_audio_gets_the_servers_reason(launch, server: ServerProcess, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("this is not audio\n" * 20)
    browser = await launch(Pcm.silence(1000, 24000))
    page = await open_page(browser, server)
    await page.click("#tab-voice")
    await page.set_input_files("#voice-file", str(notes))
    await page.click("#voice-send")
    await page.wait_for_selector('#panel-voice[data-state="error"]')
    message = await page.inner_text("#voice-error-text")
    assert "audio" in message.lower() and await page.locator("#voice-steps li.complete").count() == 0
