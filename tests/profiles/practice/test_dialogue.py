"""The partner on the phone, turn by turn: the register of the role, answers to questions, repeats,
help, misses that never dead-end, recasts, and the goodbye as its own turn."""

from __future__ import annotations

import itertools
import random

import pytest

from talkline.agent.base import AgentRequest, TextDelta
from talkline.profiles.practice import PracticeAgent, call_finished, scenarios
from talkline.profiles.practice.catalog import persona as catalog_persona
from talkline.profiles.practice.catalog import role_for, scenario, setup_for
from talkline.profiles.practice.dialogue import replay
from talkline.profiles.practice.models import Scenario
from talkline.profiles.practice.registers import utterance_level
from tests.profiles.practice.dialogue import converse, reply


def play(options: dict[str, str], lines: list[str]):  # type: ignore[no-untyped-def]
    setup = setup_for(options, "ko")
    return setup, replay(setup, lines)


async def test_the_call_opens_with_the_opening_line_and_the_first_question() -> None:
    mart = scenario("mart")
    assert await reply([], {"scenario": "mart"}) == f"{mart.opening.ko} {mart.steps[0].ask.ko}"


async def test_the_clerk_speaks_politely_whoever_plays_her_and_the_friend_casually() -> None:
    assert (
        await reply([], {"scenario": "mart", "persona": "saerom"})
        == "어서 오세요, 새길마트입니다. 뭐 찾으시는 거 있으세요?"
    )
    friend = await reply([], {"scenario": "friend", "persona": "saerom"})
    assert friend.startswith("안녕! 나 옆자리 새롬이야.") and utterance_level(friend) == "banmal"
    elder = await reply([], {"scenario": "friend", "persona": "gildong"})
    assert elder.startswith("안녕하세요. 옆자리 길동이에요.") and utterance_level(elder) == "haeyo"


async def test_the_reply_streams_in_pieces_of_a_few_words() -> None:
    request = AgentRequest(history=(), options={"scenario": "hospital"}, language="ko")
    events = [event async for event in PracticeAgent().respond(request)]
    assert len(events) > 1 and all(isinstance(event, TextDelta) for event in events)
    assert all(len(event.text.split()) <= 3 for event in events)
    assert "".join(event.text for event in events) == await reply([], {"scenario": "hospital"})


PAIRINGS = [
    (chosen, persona, language)
    for chosen in scenarios()
    for persona, language in [("gildong", "ko"), ("saerom", "ko"), ("gildong", "en")]
    if role_for(chosen, catalog_persona(persona)) is not None
]


@pytest.mark.parametrize(
    ("chosen", "persona", "language"), PAIRINGS, ids=[f"{c.id}-{p}-{lang}" for c, p, lang in PAIRINGS]
)
async def test_walkthrough_then_a_goodbye_of_its_own(chosen: Scenario, persona: str, language: str) -> None:
    options = {"scenario": chosen.id, "persona": persona}
    setup = setup_for(options, language)
    models = [step.model.say(language, setup.learner_register) for step in chosen.steps]
    history, replies = await converse(options, models, language)
    closing = chosen.closing
    assert replies[-1].endswith(closing.prompt.say(language, setup.partner_register))  # not yet goodbye
    assert not call_finished(history, options)
    assert replay(setup, models).goal_reached(setup)
    goodbye = "안녕히 계세요" if setup.partner_register != "banmal" else "응, 잘 있어"
    history, replies = await converse(options, [*models, goodbye if language == "ko" else "Bye!"], language)
    assert replies[-1] == closing.goodbye.say(language, setup.partner_register)
    assert call_finished(history, options)


def test_say_that_again_repeats_the_last_information_in_other_words_each_time() -> None:
    _, state = play(
        {"scenario": "directions"}, ["우체국 찾는데요", "걸어서요", "네?", "다시 한번 말해 주세요"]
    )
    route = scenario("directions").steps[0].slots[0].values[3].facts["walk"].ko
    first, second = state.log[-2].reply, state.log[-1].reply
    assert route in first and route in second and first != second


def test_never_the_same_reply_twice_in_a_row() -> None:
    rng = random.Random(7)
    said = [
        "네?",
        "음...",
        "모르겠어요",
        "얼마예요?",
        "감사합니다",
        "아아",
        "네?",
        "뭐라고요?",
        "화장실 어디예요?",
        "어어",
        "안녕히 계세요",
        "네",
        "bye",
    ]
    for chosen in scenarios():
        lines = [rng.choice(said) for _ in range(25)]
        setup = setup_for({"scenario": chosen.id}, "ko")
        replies = [replay(setup, lines[:n]).said for n in range(len(lines) + 1)]
        assert all(a != b for a, b in itertools.pairwise(replies)), chosen.id


def test_after_a_miss_rephrase_then_a_model_sentence_then_take_the_attempt() -> None:
    setup, state = play({"scenario": "restaurant"}, ["으음 어", "그게 저기", "어어 음"])
    first, second, third = (record.reply for record in state.log)
    party = setup.scenario.steps[0]
    assert first.endswith(party.rephrase.ko)
    assert f"“{party.model.ko}”" in second
    assert state.step == 1 and "people" in state.assumed and third.endswith(setup.scenario.steps[1].ask.ko)
    assert [record.missed for record in state.log] == [True, True, False]  # never a third miss in a row
    assert not state.goal_reached(setup)  # the partner guessed: the learner did not say it


def test_help_offers_the_sentence_in_the_register_the_learner_owes() -> None:
    _, polite = play({"scenario": "mart", "persona": "saerom"}, ["모르겠어요"])
    assert "“우유 어디 있어요?”" in polite.said
    _, casual = play({"scenario": "friend", "persona": "saerom"}, ["몰라"])
    assert "“나는 민수야.”" in casual.said


def test_questions_are_answered_from_the_scenario_then_back_to_the_task() -> None:
    setup, state = play({"scenario": "bank"}, ["통장 만들러 왔어요", "체크카드가 뭐예요?"])
    step = setup.scenario.steps[1]
    assert state.log[0].reply.endswith(step.ask.ko)
    assert state.said.startswith("통장에 있는 돈만큼만 쓸 수 있는 카드예요.")
    assert state.said.endswith(step.rephrase.ko)  # back to the task, in other words than just before
    _, state = play({"scenario": "hospital"}, ["예약하고 싶어요", "머리가 아파요", "모레는 안 돼요?", "네"])
    assert state.log[-2].reply.startswith("모레는 오후 두 시에 자리가 있어요.")
    assert state.slots["time"].value == "day_after_14"  # the yes takes the time offered
    _, state = play(
        {"scenario": "mart"}, ["사거리가 뭐예요?"]
    )  # not a word of this scenario: asked again simply
    assert "쉽게 다시 말씀드릴게요" in state.said
    _, state = play({"scenario": "mart"}, ["당근이 뭐예요?"])
    assert state.said.startswith("당근은 북에서 ‘홍당무’라고 하는 거예요.")


def test_origin_small_talk_and_personal_questions() -> None:
    _, state = play(
        {"scenario": "friend", "persona": "saerom"}, ["나는 은별이야", "나 사실 북에서 왔어. 괜찮아?"]
    )
    assert "당연히 괜찮지" in state.said or "고생 많았겠다" in state.said
    assert state.said.endswith("시간 날 때 뭐 하는 거 좋아해? 나는 등산 좋아하는데.")  # the question again, reworded
    _, state = play({"scenario": "friend", "persona": "saerom"}, ["몇 살이야?"])
    assert state.said.startswith("나? 너랑 동갑이잖아!")
    _, state = play({"scenario": "mart", "persona": "saerom"}, ["몇 살이에요?"])
    assert state.said.startswith("저요? 올해 스물아홉이에요.")
    _, state = play({"scenario": "interview"}, ["어... 죄송합니다 너무 떨려서"])
    assert "긴장" in state.said or "떨려요" in state.said


def test_no_to_an_offer_and_a_refusal_change_the_call() -> None:
    setup, state = play(
        {"scenario": "bank"}, ["통장 만들러 왔어요", "신분증 집에 두고 왔는데", "그것도 없어요"]
    )
    assert state.log[1].reply.startswith("아, 그러면 휴대폰에 모바일 신분증 있으세요?")
    assert state.phase == "closing" and state.closed_early and not state.goal_reached(setup)
    _, state = play(
        {"scenario": "friend", "persona": "saerom"}, ["나는 은별이야", "등산 좋아해", "아니 안 좋아"]
    )
    assert state.slots["accept"].value == "no" and state.said.startswith(
        "아, 그래? 괜찮아, 다음에 시간 될 때 하자."
    )


def test_the_goodbye_is_its_own_turn_and_early_goodbyes_end_the_call() -> None:
    setup, state = play(
        {"scenario": "mart"}, ["우유 어디 있어요?", "네 맞아요", "카드로 할게요", "아니요 괜찮아요"]
    )
    assert state.phase == "closing" and not state.finished and state.goal_reached(setup)
    setup, state = play(
        {"scenario": "mart"}, ["우유 어디 있어요?", "너무 비싸네. 그냥 안 살래요. 안녕히 계세요"]
    )
    assert state.finished and state.outcome == "quit" and not state.goal_reached(setup)
    for goodbye in ("bye", "잘 있어", "이제 그만하자", "수고하세요", "들어가세요", "ok bye"):
        _, state = play({"scenario": "friend", "persona": "saerom"}, ["나는 은별이야", goodbye])
        assert state.finished, goodbye


def test_recast_modes() -> None:
    lines = ["얼음보숭이 있어요?"]
    _, off = play({"scenario": "mart", "recast": "off"}, lines)
    _, gentle = play({"scenario": "mart"}, lines)
    _, explicit = play({"scenario": "mart", "recast": "explicit"}, lines)
    assert off.said.startswith("아이스크림이요? 안쪽 냉동 코너에 있어요.")  # the answer itself says it
    assert gentle.said == off.said and "얼음보숭이" not in gentle.said
    assert "‘얼음보숭이’보다 ‘아이스크림’이라고 많이 해요" in explicit.said
    _, gentle = play({"scenario": "bank"}, ["돈자리 만들려고 왔습니다"])
    assert gentle.said.startswith(
        "아, 계좌요? 네, 새 통장 만들어 드릴게요."
    )  # the echo, when the answer doesn't say it
    _, explicit = play({"scenario": "bank", "recast": "explicit"}, ["돈자리 만들려고 왔습네다"])
    assert "‘돈자리’보다 ‘계좌’라고" in explicit.said and "‘만들려고’" not in explicit.said
    assert "‘왔습네다’ 대신 ‘왔습니다’처럼" in explicit.said


async def test_after_the_goodbye_the_call_stays_over() -> None:
    history, replies = await converse({"scenario": "mart"}, ["그만할게요", "여보세요?", "여보세요?"])
    assert call_finished(history, {"scenario": "mart"})
    assert replies[2] != replies[3] and "끝났어요" in replies[2] + replies[3]


def test_what_the_learner_says_before_it_is_asked_is_taken_not_asked_again() -> None:
    setup, state = play({"scenario": "bank", "persona": "gildong"}, ["통장 만들려고 왔어요. 신분증 여기 있어요"])
    assert "신분증 가져오셨어요?" not in state.said and state.said.endswith("체크카드도 같이 만드시겠어요?")
    assert state.said.count("네,") == 1  # one 네 opening the reply, not one per sentence
    _, asking = play({"scenario": "bank", "persona": "gildong"}, ["통장 만들려고 왔어요. 신분증 있어야 돼요?"])
    assert asking.said.endswith("신분증 가져오셨어요?")  # a question about the ID is no ID shown


def test_a_drink_ordered_is_answered_once() -> None:
    _, state = play({"scenario": "restaurant", "persona": "saerom"}, ["두 명이요. 김치찌개 두 개 주세요", "물 주세요"])
    assert state.said.count("정수기") == 1


def test_a_question_the_partner_cannot_answer_is_said_so_and_the_question_comes_again() -> None:
    _, state = play({"scenario": "restaurant", "persona": "gildong"}, ["여보세요, 배달 되나요?", "주차는 돼요?"])
    first, second = (record.reply for record in state.log)
    assert "모르겠" in first and first.endswith("혼자 오셨어요?") and "모르겠" in second and first != second
    _, garbled = play({"scenario": "restaurant", "persona": "gildong"}, ["눠가 제일있허용?"])
    assert "모르겠" not in garbled.said and garbled.log[-1].missed  # not caught, rather than not known


def test_a_friend_hears_the_name_and_a_counter_invitation() -> None:
    options = {"scenario": "friend", "persona": "saerom", "role": "classmate"}
    setup, state = play(options, ["안녕, 나 영호야", "취미는 뭐 등산 같은 거? 너는?", "주말에 같이 밥 먹을래?"])
    named, hobby, invited = (record.reply for record in state.log)
    assert "영호구나" in named
    assert hobby.startswith("진짜? 나도 등산") and "나는 등산이랑 요리" in hobby  # the reaction, then her answer
    assert invited.startswith("좋아!") and state.slots["accept"].value == "yes"


def test_a_garbled_word_is_no_thing_to_look_for_but_a_real_one_is() -> None:
    _, garbled = play({"scenario": "mart"}, ["그리고 샤이홉"])  # 우유 어디 있어요, misheard
    assert garbled.log[-1].missed and "item" not in garbled.slots
    _, unlisted = play({"scenario": "mart"}, ["연두부 있어요?"])
    assert unlisted.slots["item"].said == "연두부" and unlisted.said.startswith("연두부요?")


def test_what_is_said_once_on_the_way_is_not_said_again_when_the_question_comes_back() -> None:
    _, state = play({"scenario": "restaurant", "persona": "saerom"}, ["두 명이요", "비빔밥 주세요", "물이요", "화장실 어디예요?"])
    assert state.log[-2].reply.count("주문하신 음식 나왔습니다") == 1
    assert "나왔습니다" not in state.said and state.said.endswith("식사 다 하셨으면 계산해 드릴까요?")  # reworded


def test_a_later_step_said_early_is_taken_once_and_a_stray_yes_shows_no_id() -> None:
    _, state = play(
        {"scenario": "community_centre"},
        ["전입신고 하러 왔어요", "서울시 노원구 상계동 백이십삼 다시 사 번지 오 층이요", "네 그럼 등본도 한 통 떼 주세요"],
    )
    assert "id" not in state.slots and state.slots["copy"].value == "yes"  # asked for, not shown the ID
    assert state.said.startswith("네, 등본도 같이") and state.step == 2
    _, state = play({"scenario": "friend", "persona": "saerom"}, ["나는 은희야", "뜨개질 좋아해", "번호? 공일공 일이삼사 오육칠팔이야"])
    assert state.slots["contact"].said == "01012345678" and "accept" not in state.slots
    assert "문자 보낼게" in state.said and "갈래?" in state.said  # thanked, then the invitation again
    _, state = play({"scenario": "mart"}, ["우유 어디 있어요?", "현금으로 하겠슴다"])
    assert state.slots["method"].value == "cash" and state.slots["confirm"].value == "yes"  # going on is a yes


def test_an_address_said_in_words_is_kept_whole_and_can_be_corrected() -> None:
    said = ["전입신고 하러 왔어요", "서울시 노원구 상계동 백이십삼 다시 사 번지 오 층이요"]
    _, state = play({"scenario": "community_centre"}, said)
    assert state.slots["address"].said == "서울시 노원구 상계동 백이십삼 다시 사 번지 오 층"
    _, state = play({"scenario": "community_centre"}, [*said, "아 잠깐, 오 층 아니고 삼 층이에요. 삼백일 호요."])
    assert state.slots["address"].said == "서울시 노원구 상계동 백이십삼 다시 사 번지 삼 층 삼백일 호"
    assert state.said.startswith("아, 삼 층 삼백일 호요?") and not state.log[-1].missed


def test_a_question_is_answered_not_taken_as_an_answer() -> None:
    _, state = play({"scenario": "hospital"}, ["예약하고 싶어요", "배가 아파요", "내일 오전에 돼요?", "모레는 안 돼요? 모레 오후요."])
    assert state.slots["time"].value == "day_after_14" and state.said.startswith("네, 모레 오후 두 시로")
    setup, state = play({"scenario": "bank"}, ["통장 만들러 왔어요", "여기요", "음", "어", "이제 다 된 겁니까?"])
    assert "card" not in state.slots and not state.log[-1].accepted  # no yes read into a question
    _, state = play({"scenario": "directions"}, ["지하철역 어디예요?", "버스 타고 가는 게 나아요?"])
    assert state.said.startswith("걸어서 오 분이라") and "way" not in state.slots


def test_a_pleasantry_at_the_end_does_not_end_the_call() -> None:
    setup, state = play(
        {"scenario": "friend", "persona": "gildong"},
        ["저는 영철입니다", "등산 좋아해요", "좋아요", "공일공 구팔칠육 오사삼이입니다", "오늘 꽝포 아니고 진짜 재밌었습니다."],
    )
    assert not state.finished and state.said.startswith("저도 즐거웠어요.")
    assert "궁금하신" not in state.said  # a classmate, not a clerk


def test_choosing_the_way_to_pay_again_is_not_a_yes_to_the_bag() -> None:
    """"카드로 할게요" said again when the clerk offers a bag goes with the card, not the bag: the clerk asks
    about the bag again, and "봉투는 일없습니다" (North Korean: no, thanks) then declines it."""
    bag = scenario("mart").steps[-1]
    setup = setup_for({"scenario": "mart"}, "ko")
    state = replay(setup, ["우유 어디 있어요?", "네 맞아요", "카드로 할게요", "카드로 할게요"])
    assert bag.id == "bag" and "bag" not in state.slots
    assert state.log[-1].reply.endswith(bag.ask.ko)
    state = replay(setup, ["우유 어디 있어요?", "네 맞아요", "카드로 할게요", "카드로 할게요", "봉투는 일없습니다"])
    assert state.slots["bag"].value == "no"
