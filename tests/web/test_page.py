"""The page itself: Korean and English text, human names for every choice, phone to desktop sizes,
light and dark contrast (axe-core), the keyboard alone, and the call screen on a phone."""

from __future__ import annotations

from talkline.audio import Pcm
from tests.server_process import ServerProcess
from tests.web.conftest import PHONE, check_every_size, open_page, screenshot

IN_VIEW = """(selector) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= innerHeight;
}"""


async def test_setup_names_every_choice_and_fits_every_screen(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(1000, 24000))
    page = await open_page(browser, server, language="ko")
    assert await page.get_attribute("html", "lang") == "ko"
    profiles = await page.locator("#profile option").all_inner_texts()
    assert sorted(profiles) == ["분리배출 도우미", "전화 통화 연습"]
    assert "분리배출 방법" in await page.inner_text("#profile-summary")
    await check_every_size(page, "setup-eco")

    await page.select_option("#profile", "practice")
    await page.wait_for_selector("#app-setup .practice-card")
    assert await page.locator("#option-scenario option", has_text="마트에서").count() == 1
    card = await page.inner_text("#app-setup")
    assert "동네 마트" in card and "물건이 어디 있는지" in card  # the setting and the goal
    assert "마트 직원 길동이 존댓말(해요체)로 말해요" in card  # who answers, and how
    await page.select_option("#option-scenario", "friend")
    assert await page.input_value("#option-persona") == "saerom"  # the scenario's own partner
    assert "반말" in await page.inner_text("#app-setup")
    await check_every_size(page, "setup-practice")

    await page.select_option("#ui-language", "en")
    assert await page.inner_text("#call-button") == "Call"
    assert await page.locator("#option-scenario option", has_text="Making a new friend").count() == 1
    assert "Situation" in await page.inner_text("#app-setup")
    assert not page.script_errors  # type: ignore[attr-defined]


async def test_korean_phone_call_screen_with_the_keyboard_only(launch, server: ServerProcess) -> None:
    browser = await launch(Pcm.silence(30000, 24000))
    page = await open_page(browser, server, viewport=PHONE, language="ko")
    assert await page.inner_text("#call-button") == "전화 걸기"
    assert await page.inner_text("#tab-voice") == "음성 메시지"
    await page.select_option("#profile", "practice")
    await page.wait_for_selector("#app-setup .practice-card")

    # keyboard only: Tab reaches the call button, Enter starts the call and focus moves into the call
    await page.focus("#ui-language")
    focused = []
    for _ in range(20):
        await page.keyboard.press("Tab")
        focused.append(await page.evaluate("document.activeElement.id"))
        if focused[-1] == "call-button":
            break
    assert focused[-1] == "call-button", focused
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "mute-button"  # not <body>
    # the practice call opens with the clerk's line, said by the persona, then waits for the user
    await page.wait_for_selector('#panel-call[data-state="speaking"]')
    assert await page.inner_text("#call-state-text") == "길동이 말하고 있어요"
    await page.wait_for_selector('#panel-call[data-state="listening"]', timeout=30_000)
    assert await page.inner_text("#call-state-text") == "듣고 있어요. 말씀하세요"
    assert await page.locator("#call-setup").is_hidden()  # the setup is now one line
    summary = await page.inner_text("#call-summary")
    assert "전화 통화 연습" in summary and "마트에서" in summary and "길동" in summary
    info = await page.inner_text("#app-call-info")
    assert "목표" in info and "마트 직원 길동이" in info
    assert await page.inner_text("#transcript li.assistant .who") == "길동"
    assert await page.locator("#transcript li.assistant .meta").inner_text() == ""  # timings live in details

    # typed turns fill the screen: the controls, the state and the newest line stay in view
    for line in ["우유는 어디에 있어요?", "네, 맞아요. 이거 얼마예요?", "카드로 할게요."]:
        count = await page.locator("#transcript li.assistant").count()
        await page.fill("#text-input", line)
        await page.press("#text-input", "Enter")
        await page.wait_for_function(f"document.querySelectorAll('#transcript li.assistant').length > {count}")
    await page.wait_for_selector('#panel-call[data-state="listening"]', timeout=30_000)
    for selector in ("#talk-button:not([hidden]), #mute-button", "#end-button", "#text-input", "#call-state"):
        assert await page.evaluate(IN_VIEW, selector), f"{selector} is out of view"
    await page.wait_for_function(IN_VIEW, arg="#transcript > li:last-child")
    await page.click("#mute-button")
    await page.wait_for_selector('#panel-call[data-state="muted"]')
    assert await page.inner_text("#call-state-text") == "음소거 중이라 내 말이 들리지 않아요"
    await check_every_size(page, "call-muted-korean")
    await page.click("#mute-button")

    # a reader who scrolled up is not pulled down; the newest-line button brings them back
    await page.evaluate("window.scrollTo(0, 0)")
    await page.fill("#text-input", "안녕히 계세요")
    await page.press("#text-input", "Enter")
    await page.wait_for_selector("#jump-latest:not([hidden])")
    assert await page.evaluate("window.scrollY") < 50
    await page.click("#jump-latest")
    await page.wait_for_function(IN_VIEW, arg="#transcript > li:last-child")
    await screenshot(page, "phone-korean-call")

    # End by keyboard: focus moves to what comes after the call, not to <body>
    await page.focus("#end-button")
    await page.keyboard.press("Enter")
    await page.wait_for_selector('#panel-call[data-state="ended"]')
    assert await page.inner_text("#call-state-text") == "통화가 끝났어요"
    assert await page.evaluate("document.activeElement.id") == "after-call"
    await page.wait_for_selector("#after-call .practice-feedback .outcome", timeout=30_000)

    # the tabs follow the arrow keys
    await page.focus("#tab-call")
    await page.keyboard.press("ArrowRight")
    assert await page.evaluate("document.activeElement.id") == "tab-voice"
    assert await page.locator("#panel-voice").is_visible() and await page.locator("#panel-call").is_hidden()
    assert await page.locator("#record-button").inner_text() == "녹음"
    await check_every_size(page, "voice-idle")
    assert not page.script_errors  # type: ignore[attr-defined]


async def test_practice_module_reads_the_scenario_contract(launch, server: ServerProcess) -> None:
    """Scenario data in the agreed shape (roles with registers, persona pairings with reasons) is shown."""
    browser = await launch(Pcm.silence(1000, 24000))
    page = await open_page(browser, server, language="ko")

    async def contract(route) -> None:  # type: ignore[no-untyped-def]
        body = await (await route.fetch()).json()
        for scenario in body["data"]:
            scenario["roles"] = [{"id": "official", "title": {"en": "civil servant", "ko": "주민센터 직원"},
                                  "relationship": "official", "partner_register": "hapsyo",
                                  "learner_register": "haeyo"}]
            scenario["personas"] = [{"persona": "gildong", "allowed": True},
                                    {"persona": "saerom", "allowed": False,
                                     "reason": {"en": "a friend would not work here", "ko": "친구는 이 일을 하지 않아요"}}]
            scenario["examples"] = [{"ko": "전입신고를 하러 왔어요.", "en": "I came to register my move."}]
        await route.fulfill(json=body)

    await page.route("**/v1/practice/scenarios", contract)
    await page.reload()
    await page.wait_for_selector("body[data-ready=true]")
    await page.select_option("#profile", "practice")
    await page.wait_for_selector("#app-setup .practice-card")
    await page.select_option("#option-scenario", "friend")  # its default partner may not play it here
    assert await page.input_value("#option-persona") == "gildong"
    assert await page.locator('#option-persona option[value="saerom"]').is_disabled()
    card = await page.inner_text("#app-setup")
    assert "주민센터 직원 길동이 격식 있는 존댓말(합쇼체)로 말해요. 존댓말(해요체)로 대답해 보세요." in card
    assert "새롬이 이 상황을 연습할 수 없어요: 친구는 이 일을 하지 않아요" in card
    assert "전입신고를 하러 왔어요." in card
    assert not page.script_errors  # type: ignore[attr-defined]
