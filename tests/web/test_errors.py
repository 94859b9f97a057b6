"""Errors are told in plain words with one way out: a blocked microphone, a full server, a server that
cannot be reached, a connection that drops mid-call (reconnected on its own, transcript and timer
kept), a file that is not audio."""

from __future__ import annotations

import json
from pathlib import Path

from openai import AsyncOpenAI
from playwright.async_api import WebSocketRoute

from talkline.audio import Pcm
from tests.server_process import ServerProcess
from tests.web.conftest import MAX_SESSIONS, SERVER_KEY, check_every_size, open_page, screenshot


async def test_a_blocked_microphone_is_explained_and_retry_works_once_allowed(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(3000, 24000))
    page = await open_page(browser, server, microphone_allowed=False)
    await page.click("#call-button")
    await page.wait_for_selector('#panel-call[data-state="error"]')
    alert = page.get_by_role("alert")
    assert "microphone is blocked" in await alert.inner_text()
    assert await page.locator("#call-button").is_hidden()  # one action at a time: only "Try again"
    assert await page.evaluate("document.activeElement.id") == "retry-button"
    await check_every_size(page, "error-microphone")

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
        assert text == "All lines are busy right now. Try again in a minute."
        assert "session_limit_reached" in await page.locator("#call-error-detail").text_content()
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


async def test_an_unreachable_server_is_said_in_plain_words(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(3000, 24000))
    page = await open_page(browser, server)
    await page.route("**/v1/demo/client_secret", lambda route: route.abort("connectionrefused"))
    await page.click("#call-button")
    await page.wait_for_selector('#panel-call[data-state="error"]')
    text = await page.inner_text("#call-error-text")
    assert text.startswith("The Talkline server can’t be reached.") and "fetch" not in text.lower()
    await page.click("#retry-button")  # still down: the same sentence, not "Failed to fetch"
    await page.wait_for_selector('#panel-call[data-state="error"]')
    assert (await page.inner_text("#call-error-text")).startswith("The Talkline server can’t be reached.")
    await page.unroute("**/v1/demo/client_secret")
    await page.click("#retry-button")
    await page.wait_for_selector('#panel-call[data-state="listening"]')
    await page.click("#end-button")


async def test_a_dropped_connection_reconnects_and_keeps_the_conversation(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(60000, 24000))
    page = await open_page(browser, server)
    sockets: list[WebSocketRoute] = []
    replayed: list[dict] = []

    def through(ws: WebSocketRoute) -> None:
        """Every Realtime socket passes through to the server; the test can cut one from the server side."""
        upstream = ws.connect_to_server()
        sockets.append(ws)

        def sent(message: str | bytes) -> None:
            if len(sockets) > 1 and '"conversation.item.create"' in str(message):
                replayed.append(json.loads(message))
            upstream.send(message)

        ws.on_message(sent)

    await page.route_web_socket("**/v1/realtime*", through)
    await page.click("#call-button")
    await page.wait_for_selector('#panel-call[data-state="listening"]')
    await page.fill("#text-input", "How do I throw away a plastic bottle?")
    await page.press("#text-input", "Enter")
    await page.wait_for_selector("#transcript li.assistant:not(.pending)", timeout=90_000)
    await page.wait_for_selector('#panel-call[data-state="listening"]', timeout=90_000)
    before = await page.locator("#transcript > li").count()
    await page.wait_for_function("document.querySelector('#call-timer').textContent >= '00:02'")

    await sockets[0].close(code=1012, reason="service restart")
    await page.wait_for_selector('#panel-call[data-state="reconnecting"]')
    assert "reconnecting" in await page.inner_text("#call-state-text")
    await screenshot(page, "call-reconnecting")
    await page.wait_for_selector('#panel-call[data-state="listening"]', timeout=30_000)
    assert len(sockets) == 2
    assert await page.locator("#transcript > li").count() == before  # the transcript is kept
    assert await page.inner_text("#call-timer") >= "00:02"  # and the timer runs on
    assert "Reconnected" in await page.inner_text("#call-notice")
    texts = [item["item"]["content"][0]["text"] for item in replayed]
    assert texts[0] == "How do I throw away a plastic bottle?" and "PET" in texts[1]  # the agent keeps the context
    await page.click("#end-button")
    assert not page.script_errors  # type: ignore[attr-defined]


async def test_an_expired_call_pass_is_explained(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(3000, 24000))
    page = await open_page(browser, server)

    async def expired(ws: WebSocketRoute) -> None:
        """The server's refusal of an expired client secret: a typed error event, then the close."""
        ws.send(json.dumps({"type": "error", "event_id": "event_1", "error": {
            "type": "invalid_request_error", "code": "client_secret_expired",
            "message": "the client secret has expired; mint a new one"}}))
        await ws.close(code=1008, reason="client_secret_expired")

    await page.route_web_socket("**/v1/realtime*", expired)
    await page.click("#call-button")
    await page.wait_for_selector('#panel-call[data-state="error"]')
    assert (await page.inner_text("#call-error-text")).startswith("Your call pass expired")
    assert "client_secret_expired" in (await page.locator("#call-error-detail").text_content() or "")
