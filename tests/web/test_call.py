"""The call tab in a real browser: a spoken call with a real answer, barge-in, push-to-talk, typed
messages and practice feedback. The browser's microphone plays real synthesised speech."""

from __future__ import annotations

from tests.server_process import ServerProcess
from tests.speech import english_speech, word_error_rate
from tests.web.conftest import Wire, check_every_size, open_page, screenshot, screenshots, speech_with_pauses

QUESTION = "How do I throw away an empty plastic water bottle?"
LONG_QUESTION = "Tell me how to throw away a broken television."
INTERRUPTION = "Wait, stop, I have another question about batteries."
ANSWER_TIMEOUT_MS = 90_000


async def test_a_spoken_question_is_heard_answered_and_played(launch, server: ServerProcess) -> None:
    browser = await launch(speech_with_pauses(1.5, english_speech(QUESTION), 20))
    page = await open_page(browser, server)
    wire = Wire(page)
    await page.evaluate("""() => {
        const meter = document.querySelector('#input-level');
        window.loudest = 0;
        new MutationObserver(() => { window.loudest = Math.max(window.loudest, meter.value); })
            .observe(meter, { attributes: true });
    }""")
    await page.click("#call-button")
    await page.wait_for_selector('#panel-call[data-state="listening"]')

    # the reply has been played to its end: what was heard equals what the server sent
    reply = page.locator("#transcript li.assistant[data-heard-ms]")
    await reply.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    await page.wait_for_function("""() => {
        const reply = document.querySelector('#transcript li.assistant');
        return reply && reply.dataset.audioMs && reply.dataset.heardMs === reply.dataset.audioMs
            && document.querySelector('#panel-call').dataset.state === 'listening';
    }""", timeout=ANSWER_TIMEOUT_MS)
    item_id = await reply.first.get_attribute("data-item-id")
    heard_ms = int(await reply.first.get_attribute("data-heard-ms") or 0)
    assert heard_ms == int(wire.audio_ms(item_id)) and heard_ms > 2000

    user_text = await page.locator("#transcript li.user .text").first.inner_text()
    assert word_error_rate(user_text, QUESTION) <= 0.25, user_text
    answer = await reply.first.locator(".text").inner_text()
    spoken = "".join(e["delta"] for e in wire.received("response.output_audio_transcript.delta"))
    assert answer == spoken and "PET" in answer
    card = page.locator('#transcript li.tool-card[data-tool="search_waste_disposal"]')
    await page.locator("#transcript li.tool-card.done").wait_for()
    title, found = await card.locator(".tool-title").inner_text(), await card.locator(".tool-result").inner_text()
    assert title.startswith("Looked up “") and "plastic water bottle" in title  # what was looked up, in words
    assert found.startswith("Found: ") and "PET" in found and "→" not in found and "query" not in found
    # the latency lives in the details view: the page's own mouth-to-ear figure and the server's split
    assert int(await reply.first.get_attribute("data-mouth-to-ear-ms") or 0) > 0
    assert await reply.first.locator(".meta").inner_text() == ""
    await page.click("#call-details summary")
    details = await page.inner_text("#call-details-list")
    assert "Reply 1" in details and "ms after you stopped speaking" in details and "parts" in details

    update = wire.sent("session.update")[0]["session"]
    assert update["audio"]["input"]["transcription"]["model"]
    assert all(len(e["audio"]) * 3 // 4 in range(960, 1921) for e in wire.sent("input_audio_buffer.append"))
    assert await page.evaluate("window.loudest") > 0.5  # the level meter followed the speech
    await screenshots(page, "state-listening-after-answer")

    await page.click("#end-button")
    await page.wait_for_selector('#panel-call[data-state="ended"]')
    assert await page.evaluate("document.activeElement.id") == "after-call"
    assert "The call lasted 00:" in await page.inner_text("#after-call")
    await screenshots(page, "state-ended")
    await page.click("#new-call-button")
    assert await page.locator("#call-button").is_visible()
    assert not page.script_errors  # type: ignore[attr-defined]


async def test_barge_in_stops_playback_and_truncates_to_what_was_played(launch, server: ServerProcess) -> None:
    microphone = speech_with_pauses(1.5, english_speech(LONG_QUESTION), 4.5, english_speech(INTERRUPTION), 15)
    browser = await launch(microphone)
    page = await open_page(browser, server)
    wire = Wire(page)
    await page.evaluate(RECORD_STATES)
    await page.click("#call-button")

    await page.wait_for_selector('#transcript li.assistant[data-interrupted="true"]', timeout=ANSWER_TIMEOUT_MS)
    states = await page.evaluate("window.states")
    spoke = states.index("speaking")
    assert "hearing" in states[spoke:], states  # talking over the reply shows "Hearing you", not "Thinking"
    assert "thinking" in states[:spoke], states  # between the question and the reply
    truncate = (await wire.wait_sent("conversation.item.truncate"))[0]
    cut = page.locator('#transcript li.assistant[data-interrupted="true"]')
    assert truncate["item_id"] == await cut.get_attribute("data-item-id")
    assert 0 < truncate["audio_end_ms"] < wire.audio_ms(truncate["item_id"]), "playback was cut short"
    assert int(await cut.get_attribute("data-heard-ms") or 0) == truncate["audio_end_ms"]

    # the page answered the server's speech_started with the truncate before sending anything else
    order = [(way, event["type"]) for way, event in wire.frames if event["type"] != "input_audio_buffer.append"]
    started = order.index(("received", "input_audio_buffer.speech_started"), 1)
    assert next(frame for frame in order[started + 1:] if frame[0] == "sent") == ("sent", "conversation.item.truncate")
    await page.wait_for_function("() => document.querySelectorAll('#transcript li.user').length >= 2")
    truncated = [e for e in wire.received("conversation.item.truncated") if e["item_id"] == truncate["item_id"]]
    assert truncated and truncated[0]["audio_end_ms"] == truncate["audio_end_ms"]
    cancelled = [e["response"] for e in wire.received("response.done") if e["response"]["status"] == "cancelled"]
    assert cancelled and cancelled[0]["status_details"]["reason"] == "turn_detected"

    second = page.locator("#transcript li.user .text").nth(1)
    await page.wait_for_function("() => !document.querySelectorAll('#transcript li.user')[1].classList.contains('pending')",
                                 timeout=ANSWER_TIMEOUT_MS)
    assert "batter" in (await second.inner_text()).lower()
    await screenshot(page, "call-barge-in")
    await page.click("#end-button")


RECORD_STATES = """() => {
    const panel = document.querySelector('#panel-call');
    window.states = [];
    new MutationObserver(() => {
        if (window.states.at(-1) !== panel.dataset.state) window.states.push(panel.dataset.state);
    }).observe(panel, { attributes: true, attributeFilter: ['data-state'] });
}"""

# The level meter's history (page clock, ms): quiet is below 0.3, speech reaches 0.5.
QUIET_FOR = """(ms) => {
    const now = performance.now(), levels = window.levels;
    return levels.length > 0 && now - levels[0][0] >= ms && levels.every(([t, v]) => t < now - ms || v < 0.3);
}"""
SPOKEN_SINCE_THEN_QUIET_FOR = """([since, ms]) => {
    const now = performance.now(), levels = window.levels;
    return levels.some(([t, v]) => t > since && v >= 0.5)
        && levels.every(([t, v]) => t < now - ms || v < 0.3);
}"""


async def test_push_to_talk_typing_and_practice_feedback(launch, server: ServerProcess) -> None:
    spoken = english_speech("Yes, that's it. How much is it?")
    period_s = 6.0  # the microphone says the line again and again, every six seconds
    browser = await launch(speech_with_pauses(spoken, period_s - spoken.duration_ms / 1000), loop=True)
    page = await open_page(browser, server)
    wire = Wire(page)
    await page.evaluate("""() => {
        const meter = document.querySelector('#input-level');
        window.levels = [];
        new MutationObserver(() => window.levels.push([performance.now(), meter.value]))
            .observe(meter, { attributes: true });
    }""")
    await page.select_option("#profile", "practice")
    await page.wait_for_selector("#app-setup .practice-card")
    await page.select_option("#option-scenario", "mart")
    await page.select_option("#option-language", "en")
    await page.check('input[name="mode"][value="ptt"]')
    await page.evaluate(RECORD_STATES)
    await page.click("#call-button")
    assert await page.evaluate("document.activeElement.id") == "talk-button"
    await page.wait_for_selector('#panel-call[data-state="speaking"]')
    assert wire.sent("session.update")[0]["session"]["audio"]["input"]["turn_detection"] is None

    # a brief tap of the space bar during the opening line neither cuts it nor sends a turn
    await page.keyboard.down("Space")
    await page.wait_for_timeout(80)
    await page.keyboard.up("Space")
    await page.wait_for_selector("#call-notice:has-text('too short')")
    await page.wait_for_selector('#panel-call[data-state="ptt-idle"]', timeout=30_000)
    opening = page.locator("#transcript li.assistant").first
    assert await opening.get_attribute("data-heard-ms") == await opening.get_attribute("data-audio-ms")
    assert await opening.locator(".who").inner_text() == "Gildong"  # the persona's name labels its lines
    for quiet in ("conversation.item.truncate", "response.cancel", "input_audio_buffer.commit", "input_audio_buffer.clear"):
        assert not wire.sent(quiet), quiet
    assert await page.inner_text("#call-state-text") == "Hold the button to talk"
    await screenshots(page, "state-ptt-idle")

    # the persona answers the phone, then the learner types the first line
    await page.wait_for_function("() => document.querySelector('#transcript li.assistant .text')?.textContent.includes('Welcome')")
    await page.fill("#text-input", "Where is the milk?")
    await page.press("#text-input", "Enter")
    await page.wait_for_function("() => document.querySelectorAll('#transcript li.assistant').length >= 2 "
                                 "&& !document.querySelectorAll('#transcript li.assistant')[1].classList.contains('pending')")
    assert (await page.locator("#transcript li.user .text").first.inner_text()) == "Where is the milk?"
    assert not wire.sent("input_audio_buffer.append"), "push-to-talk sends no audio until the button is held"

    # then holds the space bar from a quiet moment until the next time the line has been said in full
    await page.focus("#talk-button")
    await page.wait_for_function(QUIET_FOR, arg=1000, timeout=30_000)
    pressed_ms = await page.evaluate("performance.now()")
    await page.keyboard.down("Space")
    await page.wait_for_selector('#panel-call[data-state="ptt-held"]')
    assert await page.get_attribute("#talk-button", "aria-pressed") == "true"
    await screenshots(page, "state-ptt-held")
    await page.wait_for_function(SPOKEN_SINCE_THEN_QUIET_FOR, arg=[pressed_ms, 1000], timeout=30_000)
    await page.keyboard.up("Space")
    assert await wire.wait_sent("input_audio_buffer.commit") and wire.sent("input_audio_buffer.append")
    await page.wait_for_function("() => document.querySelectorAll('#transcript li.user').length >= 2 "
                                 "&& !document.querySelectorAll('#transcript li.user')[1].classList.contains('pending')",
                                 timeout=ANSWER_TIMEOUT_MS)
    heard = await page.locator("#transcript li.user .text").nth(1).inner_text()
    assert word_error_rate(heard, "Yes, that's it. How much is it?") <= 0.3, heard
    await page.wait_for_function("() => document.querySelectorAll('#transcript li.assistant').length >= 3",
                                 timeout=ANSWER_TIMEOUT_MS)

    # after hanging up, the page fetches the stored call's feedback (with its own client secret) and shows it
    async with page.expect_response(lambda r: "/v1/practice/sessions/" in r.url and r.status == 200,
                                    timeout=30_000) as stored:
        await page.click("#end-button")
    feedback = (await (await stored.value).json())["feedback"]
    outcome = page.locator("#after-call .practice-feedback .outcome")
    await outcome.wait_for()
    assert feedback["scenario"] == "mart" and feedback["turns"] == 2
    assert await outcome.get_attribute("data-outcome") == feedback["outcome"] == "unfinished"
    steps = await page.inner_text("#after-call .steps")
    assert f"{feedback['steps_completed']} of {feedback['steps_total']}" in steps
    turns = await page.inner_text("#after-call .turns")
    assert f"{round(feedback['speaking_seconds'])} s" in turns and "." not in turns.rstrip(".")  # rounded
    tips = await page.locator("#after-call .expressions li").all_inner_texts()
    assert tips == [f"{tip['korean']} — {tip['english']}" for tip in feedback["expressions_to_learn"]]
    assert await page.evaluate("document.activeElement.id") == "after-call"  # focus and scroll follow
    assert await page.evaluate("document.querySelector('#after-call').getBoundingClientRect().top < innerHeight")
    actions = await page.locator("#after-call .practice-actions button").all_inner_texts()
    assert actions == ["Try again", "Try with Saerom", "Review expressions"]
    await check_every_size(page, "practice-feedback")

    # the history tab lists this call with its feedback
    await page.click("#tab-history")
    entry = page.locator(f'#history li[data-session-id="{feedback_session(wire)}"]')
    await entry.wait_for()
    assert "At the mart · Gildong" in await entry.inner_text()
    await entry.locator("summary").click()
    assert f"{feedback['steps_completed']} of {feedback['steps_total']}" in await entry.inner_text()
    await check_every_size(page, "practice-history")

    # "Try with Saerom" calls again with the other persona
    await page.click("#tab-call")
    await page.click("#after-call .practice-actions button:has-text('Try with Saerom')")
    await page.wait_for_selector('#panel-call[data-state="speaking"]', timeout=30_000)
    assert "Saerom" in await page.inner_text("#call-summary")
    await page.click("#end-button")
    assert not page.script_errors  # type: ignore[attr-defined]


def feedback_session(wire: Wire) -> str:
    return wire.received("session.created")[0]["session"]["id"]
