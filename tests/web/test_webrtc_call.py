"""The call page calls over WebRTC by default: Chromium's fake microphone speaks a question, the server
hears it over Opus, and the spoken answer comes back on the server's audio track while the events
travel on the `oai-events` data channel; the page says which way the call goes."""

from __future__ import annotations

from tests.servers import LiveServer
from tests.speech import english_speech, word_error_rate
from tests.web.conftest import open_page, screenshot, speech_with_pauses

QUESTION = "How do I throw away an empty plastic water bottle?"
ANSWER_TIMEOUT_MS = 90_000


async def test_the_page_holds_a_webrtc_call(launch, server: LiveServer) -> None:
    browser = await launch(speech_with_pauses(1.5, english_speech(QUESTION), 20))
    page = await open_page(browser, server, transport="webrtc")
    await page.evaluate("""() => {
        window.states = [];
        const panel = document.querySelector('#panel-call');
        new MutationObserver(() => window.states.push(panel.dataset.state))
            .observe(panel, { attributes: true, attributeFilter: ['data-state'] });
    }""")
    await page.click("#call-button")
    await page.wait_for_selector('#call-transport[data-transport="webrtc"]', timeout=20_000)
    assert await page.inner_text("#call-transport") == "via WebRTC"

    reply = page.locator("#transcript li.assistant .text")
    await reply.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # the server played the answer (output_audio_buffer.started … stopped) and the page is listening again
    await page.wait_for_function("""() => window.states.includes('speaking')
        && document.querySelector('#panel-call').dataset.state === 'listening'""", timeout=ANSWER_TIMEOUT_MS)
    user_text = await page.locator("#transcript li.user .text").first.inner_text()
    assert word_error_rate(user_text, QUESTION) <= 0.25, user_text
    assert "PET" in await reply.first.inner_text()
    await screenshot(page, "webrtc-call")
    await page.click("#end-button")
    assert not page.script_errors  # type: ignore[attr-defined]
