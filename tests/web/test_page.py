"""The page itself: Korean and English text, a phone-sized screen, the keyboard alone."""

from __future__ import annotations

from talkline.audio import Pcm
from tests.server_process import ServerProcess
from tests.web.conftest import open_page, screenshot

PHONE = {"width": 390, "height": 844}


async def test_korean_on_a_phone_with_the_keyboard_only(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(5000, 24000))
    page = await open_page(browser, server, viewport=PHONE)
    await page.select_option("#ui-language", "ko")
    assert await page.get_attribute("html", "lang") == "ko"
    assert await page.inner_text("#call-button") == "전화 걸기"
    assert await page.inner_text("#tab-voice") == "음성 메시지"
    await page.select_option("#profile", "practice")
    assert await page.locator("#scenario option", has_text="마트에서").count() == 1

    # nothing is wider than the phone
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # keyboard only: Tab reaches the call button, Enter starts the call, Tab reaches End call
    await page.focus("#ui-language")
    focused = []
    for _ in range(12):
        await page.keyboard.press("Tab")
        focused.append(await page.evaluate("document.activeElement.id"))
        if focused[-1] == "call-button":
            break
    assert focused[-1] == "call-button", focused
    await page.keyboard.press("Enter")
    # the practice call opens with the shop assistant's line, then waits for the user
    await page.wait_for_selector('#panel-call[data-state="speaking"]')
    await page.wait_for_selector('#panel-call[data-state="listening"]')
    state, label = await page.evaluate(
        "[document.querySelector('#panel-call').dataset.state,"
        " document.querySelector('#call-state-text').innerText]"
    )
    assert (state, label) == ("listening", "듣는 중")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await screenshot(page, "phone-korean-call")
    await page.focus("#end-button")
    await page.keyboard.press("Enter")
    await page.wait_for_selector('#panel-call[data-state="ended"]')
    assert await page.inner_text("#call-state-text") == "통화 종료"

    # the tabs follow the arrow keys
    await page.focus("#tab-call")
    await page.keyboard.press("ArrowRight")
    assert await page.evaluate("document.activeElement.id") == "tab-voice"
    assert await page.locator("#panel-voice").is_visible() and await page.locator("#panel-call").is_hidden()
    assert await page.locator("#record-button").inner_text() == "녹음"
