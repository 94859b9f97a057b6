"""The voice message tab in a real browser: record or pick a message, follow the job's events, play
the reply as it streams, and resume exactly after a dropped connection."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Route

from talkline.audio import Pcm, wav_bytes
from tests.server_process import ServerProcess
from tests.speech import english_speech, word_error_rate
from tests.web.conftest import open_page, screenshot, speech_with_pauses

QUESTION = "How do I throw away an empty plastic water bottle?"
DONE_TIMEOUT_MS = 90_000


async def send_and_wait(page) -> None:  # type: ignore[no-untyped-def]
    await page.click("#voice-send")
    await page.wait_for_selector('#panel-voice[data-state="done"], #panel-voice[data-state="error"]',
                                 timeout=DONE_TIMEOUT_MS)


async def test_a_recorded_message_gets_a_spoken_reply(launch, server: ServerProcess) -> None:
    browser = await launch(speech_with_pauses(0.5, english_speech(QUESTION), 10))
    page = await open_page(browser, server)
    await page.click("#tab-voice")
    await page.click("#record-button")
    await page.wait_for_selector('#record-button[aria-pressed="true"]')
    await page.wait_for_timeout(4500)
    await page.click("#record-button")
    await page.wait_for_selector("#record-status:has-text('Recorded')")
    await send_and_wait(page)

    assert await page.get_attribute("#panel-voice", "data-state") == "done"
    heard = await page.locator("#voice-transcript li.user .text").inner_text()
    assert word_error_rate(heard, QUESTION) <= 0.25, heard
    assert "PET" in await page.locator("#voice-transcript li.assistant .text").inner_text()
    assert await page.locator('#voice-transcript li.tool-card[data-tool="search_waste_disposal"]').count() == 1
    assert int(await page.get_attribute("#voice-audio", "data-parts") or 0) >= 2  # one chunk per sentence
    assert await page.locator("#voice-steps li.complete").count() == 5
    # the reply can be heard again
    await page.click("#voice-replay")
    await page.wait_for_selector("#panel-voice[data-playing]")
    await page.wait_for_selector("#panel-voice:not([data-playing])", timeout=DONE_TIMEOUT_MS)
    await screenshot(page, "voice-message")


async def test_the_reply_resumes_after_a_network_blip(launch, server: ServerProcess, tmp_path: Path) -> None:
    message = tmp_path / "question.wav"
    message.write_bytes(wav_bytes(english_speech(QUESTION)))
    browser = await launch(Pcm.silence(1000, 24000))
    page = await open_page(browser, server)
    requests: list[dict[str, str]] = []
    full: list[str] = []

    async def blip(route: Route) -> None:
        """The first stream is cut right after the first audio chunk; later ones reach the server."""
        requests.append(route.request.headers)
        if len(requests) > 1:
            await route.continue_()
            return
        response = await route.fetch()
        events = (await response.text()).replace("\r\n", "\n").split("\n\n")
        full.extend(event for event in events if event.strip())
        cut = next(i for i, event in enumerate(events) if "event: audio_chunk" in event) + 1
        await route.fulfill(response=response, body="\n\n".join(events[:cut]) + "\n\n")

    await page.route("**/v1/voice/*/events", blip)
    await page.click("#tab-voice")
    await page.set_input_files("#voice-file", str(message))
    await send_and_wait(page)

    assert await page.get_attribute("#panel-voice", "data-state") == "done"
    assert len(requests) == 2
    delivered = [event for event in full if "event: audio_chunk" in event]
    first_cut_id = next(line[4:] for line in delivered[0].splitlines() if line.startswith("id: "))
    assert requests[1].get("last-event-id") == first_cut_id
    assert requests[1]["authorization"].startswith("Bearer ek_")
    # every chunk played exactly once, and the text is complete
    assert int(await page.get_attribute("#voice-audio", "data-parts") or 0) == len(delivered)
    tokens = [event for event in full if "event: token" in event]
    reply = await page.locator("#voice-transcript li.assistant .text").inner_text()
    assert tokens and reply.startswith("Put the") and "clear PET bottle bin" in reply and reply.endswith(".")
    await screenshot(page, "voice-resumed")
