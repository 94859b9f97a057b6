"""The offline skill agent as a runner drives it: tool calls, streamed replies, follow-ups from history."""

from __future__ import annotations

import json
import re

from talkline.agent.base import AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import Message, ToolCall, ToolOutput
from talkline.agent.tools import ToolSpec
from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile
from talkline.profiles.eco import create_eco_profile
from talkline.profiles.eco.driver import converse


async def events(profile: Profile, request: AgentRequest) -> list[TextDelta | ToolCallRequest]:
    return [event async for event in profile.agent.respond(request)]


async def test_a_new_question_asks_for_the_tool_and_ends_the_step(eco_profile: Profile) -> None:
    step = await events(eco_profile, AgentRequest(history=(Message("user", "페트병 어떻게 버려요?"),)))
    assert len(step) == 1 and isinstance(step[0], ToolCallRequest)
    call = step[0]
    assert re.fullmatch(r"call_[0-9a-f]{24}", call.call_id)
    assert call.name == "search_waste_disposal"
    assert json.loads(call.arguments) == {"query": "페트병 어떻게 버려요?"}


async def test_the_answer_streams_in_short_pieces_in_the_users_language(eco_profile: Profile) -> None:
    exchange = await converse(eco_profile.agent, eco_profile.tools, (), "How do I throw away a water bottle?")
    assert [result.name for result in exchange.results] == ["search_waste_disposal"]
    assert len(exchange.pieces) >= 3 and all(len(piece.split()) <= 4 for piece in exchange.pieces)
    assert exchange.reply.startswith("Put the water bottle in the clear PET bottle bin.")
    assert "label" in exchange.reply and not re.search(r"[가-힣]", exchange.reply)


async def test_follow_ups_are_resolved_from_history_by_any_agent_instance(eco_profile: Profile) -> None:
    first = await converse(eco_profile.agent, eco_profile.tools, (), "생수병 어떻게 버려요?")
    other_worker = create_eco_profile()  # a fresh agent: nothing but the history carries the context
    follow_up = await converse(other_worker.agent, other_worker.tools, first.history, "그럼 뚜껑은?")
    lookup = follow_up.results[0].value
    assert lookup["item"]["id"] == "pet_bottle" and lookup["detail"]["kind"] == "cap"
    assert "닫아서" in follow_up.reply


async def test_an_ambiguous_item_gets_a_question_and_the_answer_resolves_it(eco_profile: Profile) -> None:
    asked = await converse(eco_profile.agent, eco_profile.tools, (), "컵 어떻게 버려요?")
    assert asked.results[0].value["status"] == "clarify" and "어떤 컵" in asked.reply
    answered = await converse(eco_profile.agent, eco_profile.tools, asked.history, "플라스틱이요")
    assert answered.results[0].value["category"]["id"] == "plastic"


async def test_it_says_honestly_when_it_does_not_know(eco_profile: Profile) -> None:
    exchange = await converse(eco_profile.agent, eco_profile.tools, (), "How do I dispose of a helicopter?")
    assert exchange.results[0].value["status"] == "unknown"
    assert "I don't have that item" in exchange.reply


async def test_bulky_items_chain_the_fee_lookup(eco_profile: Profile) -> None:
    exchange = await converse(eco_profile.agent, eco_profile.tools, (), "소파 버리려고요")
    assert [result.name for result in exchange.results] == ["search_waste_disposal", "get_bulk_waste_info"]
    assert "스티커" in exchange.reply and "5,000원" in exchange.reply


async def test_a_missing_place_is_asked_for_then_used(eco_profile: Profile) -> None:
    asked = await converse(eco_profile.agent, eco_profile.tools, (), "근처 건전지 수거함 어디 있어요?")
    assert asked.results == () and "어느 동네" in asked.reply
    found = await converse(eco_profile.agent, eco_profile.tools, asked.history, "마포구요")
    call = json.loads(found.history[-3].arguments)  # the ToolCall before its output and the reply
    assert call == {"location": "마포구", "type": "battery"}
    assert "킬로미터" in found.reply and "예시" in found.reply


async def test_declared_language_wins_over_detection(eco_profile: Profile) -> None:
    exchange = await converse(eco_profile.agent, eco_profile.tools, (), "우유팩 어떻게 버려요?", language="en")
    assert exchange.reply.startswith("Put milk cartons in the paper carton bin")


async def test_with_tools_disallowed_it_looks_up_and_answers_in_one_step(eco_profile: Profile) -> None:
    request = AgentRequest(history=(Message("user", "영수증은 종이로 버려요?"),), tool_choice="none")
    step = await events(eco_profile, request)
    assert step and all(isinstance(event, TextDelta) for event in step)
    assert "".join(event.text for event in step).startswith("아니요, 영수증은 종이류가 아니라 일반쓰레기예요.")


async def test_client_tools_in_the_request_are_left_to_others(eco_profile: Profile) -> None:
    camera = ToolSpec(name="open_camera", description="take a photo", parameters={"type": "object"})
    request = AgentRequest(history=(Message("user", "배터리 어디에 버려요?"),), tools=(camera,))
    step = await events(eco_profile, request)
    assert [event.name for event in step if isinstance(event, ToolCallRequest)] == ["search_waste_disposal"]
    client_answer = (Message("user", "배터리 어디에 버려요?"), ToolCall("call_x", "open_camera", "{}"),
                     ToolOutput("call_x", '{"ok": true}'))
    step = await events(eco_profile, AgentRequest(history=client_answer, tools=(camera,)))
    assert [event.name for event in step if isinstance(event, ToolCallRequest)] == ["search_waste_disposal"]


async def test_a_failed_tool_gets_an_apology_not_a_crash(eco_profile: Profile) -> None:
    failure = json.dumps({"error": {"code": "timeout", "message": "too slow"}})
    history = (Message("user", "페트병 어떻게 버려요?"),
               ToolCall("call_1", "search_waste_disposal", '{"query": "페트병"}'), ToolOutput("call_1", failure))
    step = await events(eco_profile, AgentRequest(history=history))
    assert "".join(event.text for event in step if isinstance(event, TextDelta)).startswith("죄송해요")


async def test_greetings_and_thanks_need_no_lookup(eco_profile: Profile) -> None:
    hello = await converse(eco_profile.agent, eco_profile.tools, (), "안녕하세요")
    thanks = await converse(eco_profile.agent, eco_profile.tools, hello.history, "Thanks!")
    assert hello.results == () and thanks.results == ()
    assert "분리배출" in hello.reply and thanks.reply.startswith("You're welcome")


async def test_work_runs_in_the_shared_inference_pool_when_given_one() -> None:
    pool = InferencePool(workers=2)
    try:
        profile = create_eco_profile(pool)
        exchange = await converse(profile.agent, profile.tools, (), "과자 봉지는 어디에 버려요?")
    finally:
        pool.shutdown()
    assert exchange.results[0].value["category"]["id"] == "vinyl"
    assert exchange.reply.startswith("과자 봉지는 비닐류로 분리배출하세요.")


async def test_a_newly_named_item_wins_over_the_previous_topic(eco_profile: Profile) -> None:
    first = await converse(eco_profile.agent, eco_profile.tools, (), "How do I recycle PET bottles?")
    pizza = await converse(eco_profile.agent, eco_profile.tools, first.history, "And what about a pizza box?")
    assert json.loads(pizza.history[-3].arguments) == {"query": "And what about a pizza box?"}
    assert pizza.results[0].value["item"]["id"] == "pizza_box" and "greasy" in pizza.reply
    tv = await converse(eco_profile.agent, eco_profile.tools, (), "TV 어떻게 버려?")
    batteries = await converse(eco_profile.agent, eco_profile.tools, tv.history,
                               "Stop, I have another question about batteries")
    assert batteries.results[0].value["item"]["id"] == "dry_battery" and "1599" not in batteries.reply


async def test_a_follow_up_naming_no_item_is_about_the_previous_one(eco_profile: Profile) -> None:
    bottle = await converse(eco_profile.agent, eco_profile.tools, (), "생수병 어떻게 버려요?")
    crush = await converse(eco_profile.agent, eco_profile.tools, bottle.history, "찌그러뜨려도 돼?")
    assert crush.results[0].value["item"]["id"] == "pet_bottle" and crush.reply.startswith("네, 생수병은")
    carton = await converse(eco_profile.agent, eco_profile.tools, (), "우유팩 어떻게 버려?")
    paper = await converse(eco_profile.agent, eco_profile.tools, carton.history, "종이로 버려도 돼?")
    assert paper.reply.startswith("아니요, 우유팩은 종이류가 아니라 종이팩이에요.")
    phone = await converse(eco_profile.agent, eco_profile.tools, (), "휴대폰 버리려고")
    battery = await converse(eco_profile.agent, eco_profile.tools, phone.history, "배터리 안 빼도 돼?")
    assert battery.results[0].value["item"]["id"] == "mobile_phone" and "제품째" in battery.reply


async def test_a_fee_without_a_size_lists_every_size_from_the_sample(eco_profile: Profile) -> None:
    sofa = await converse(eco_profile.agent, eco_profile.tools, (), "소파 버리려면 얼마예요?")
    assert [result.name for result in sofa.results] == ["get_bulk_waste_info"]
    assert sofa.reply.startswith("소파는 크기에 따라 달라요. 예시 요금표로는 1인용 5,000원, 2인용 10,000원, "
                                 "3인용 이상 15,000원이에요.")
    three = await converse(eco_profile.agent, eco_profile.tools, sofa.history, "3인용이면요?")
    assert three.results[0].value["size_known"] and three.reply.startswith("예시 요금표로는 소파 3인용 이상 수수료가 15,000원이에요.")


async def test_a_drop_off_question_naming_no_place_is_answered_not_asked_back(eco_profile: Profile) -> None:
    exchange = await converse(eco_profile.agent, eco_profile.tools, (), "Where can I drop off expired medicine?")
    assert [result.name for result in exchange.results] == ["search_waste_disposal"]
    assert exchange.reply.startswith("Take the expired medicine to the medicine collection box at a pharmacy")


async def test_sample_places_are_said_to_be_examples(eco_profile: Profile) -> None:
    exchange = await converse(eco_profile.agent, eco_profile.tools, (), "강남역 근처 폐건전지 수거함 어디 있어요?")
    assert exchange.reply.startswith("예시 자료로는 강남역 근처 폐건전지 수거함으로")
    assert "(예시)" not in exchange.reply and "실제 장소가 아니에요" in exchange.reply


async def test_short_follow_ups_and_same_bin_questions_use_the_previous_answer(eco_profile: Profile) -> None:
    carton = await converse(eco_profile.agent, eco_profile.tools, (), "우유팩 어떻게 버려요")
    wash = await converse(eco_profile.agent, eco_profile.tools, carton.history, "씻어야 돼요?")
    assert wash.reply.startswith("네, 내용물을 비우고 물로 헹군 다음") and "우유팩" in wash.reply
    fridge = await converse(eco_profile.agent, eco_profile.tools, (), "냉장고 버리려고요")
    cost = await converse(eco_profile.agent, eco_profile.tools, fridge.history, "얼마 들어요?")
    assert cost.reply.startswith("냉장고는 버리는 데 돈이 들지 않아요.")
    food = await converse(eco_profile.agent, eco_profile.tools, (), "음식물 쓰레기 어떻게 버려")
    egg = await converse(eco_profile.agent, eco_profile.tools, food.history, "그럼 달걀껍질도?")
    assert egg.reply.startswith("아니요, 달걀껍질은 음식물쓰레기가 아니라 일반쓰레기예요.")
    pizza = await converse(eco_profile.agent, eco_profile.tools, (), "피자박스 어디다 버려요")
    clean = await converse(eco_profile.agent, eco_profile.tools, pizza.history, "기름 안 묻었으면요?")
    assert clean.reply.startswith("피자박스는 기름이 안 묻었으면 접어서 종이류로 내놓으면 돼요."), clean.reply


async def test_an_english_seat_count_names_the_sofa_size(eco_profile: Profile) -> None:
    sofa = await converse(eco_profile.agent, eco_profile.tools, (), "How do I get rid of a sofa?")
    three = await converse(eco_profile.agent, eco_profile.tools, sofa.history, "It's a three-seater.")
    assert three.results[0].value["size_known"] and "15,000 won" in three.reply
    assert len(re.findall(r"[.!?](?:\s|$)", sofa.reply)) <= 3, sofa.reply
