"""Short spoken replies built from tool results, in the user's language.

Replies are a few plain sentences (no lists, no markup) because they are read aloud; the most
useful sentence comes first so speech can start on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from talkline.profiles.eco import models
from talkline.profiles.eco.dialogue import BULK, CENTERS, DISPOSAL, PRICE, WEATHER, Answered
from talkline.profiles.eco.knowledge import Lang

MAX_SENTENCES = 3


def compose(answered: Sequence[Answered], lang: Lang) -> str:
    """One reply covering every tool result of this step. Uses Kiwi (particles): run it in the pool."""
    parts: list[str] = []
    spoke_disposal = False
    with_fee = any(answer.name == BULK for answer in answered)
    for answer in answered:
        result = answer.result
        if "error" in result:
            parts.append(_failed(lang))
        elif answer.name == DISPOSAL:
            parts.extend(disposal(result, limit=2 if with_fee else MAX_SENTENCES))
            spoke_disposal = True
        elif answer.name == BULK:
            parts.extend(bulk(result, lang, with_booking=not spoke_disposal))
        elif answer.name == CENTERS:
            parts.extend(centers(result, lang))
        elif answer.name == PRICE:
            parts.extend(price(result, lang))
        elif answer.name == WEATHER:
            parts.extend(weather(result, lang))
    return " ".join(part for part in parts if part) or _failed(lang)


def disposal(result: dict[str, Any], limit: int = MAX_SENTENCES) -> list[str]:
    """The lookup's own spoken sentences (answer first, at most three)."""
    if result.get("answer"):
        return list(result["answer"])[:limit]
    if result.get("status") == "clarify":
        return [result["question"]]
    return [result.get("message", "")]


def bulk(result: dict[str, Any], lang: Lang, *, with_booking: bool) -> list[str]:
    district = result.get("district")
    booking = result["booking"][0] if with_booking else ""
    if not result.get("found"):
        unknown = ("그 물건의 수수료는 제가 가진 예시표에 없어서 구청에 확인해 보셔야 해요." if lang == "ko"
                   else "I don't have a sample fee for that item, so please check with your district office.")
        return [unknown, booking, result["free_pickup_for_appliances"]]
    item, fee = result["item"], result["fee_won"]
    if lang == "ko":
        lines = [f"{item['name']} 대형폐기물 수수료는 보통 {fee:,}원 정도예요. 구마다 조금씩 달라요.", booking]
        if district:
            lines.append(f"{district}의 정확한 금액은 구청 홈페이지에서 확인해 보세요.")
        return lines
    lines = [f"Throwing out a {item['name']} as bulky waste usually costs about {fee:,} won; it varies by district.",
             booking]
    if district:
        lines.append(f"Check the exact fee with the {district} district office.")
    return lines


def centers(result: dict[str, Any], lang: Lang) -> list[str]:
    if isinstance(result.get("location"), str):  # the place was not recognised
        location = result["location"]
        return ([f"'{location}' 위치를 잘 모르겠어요. 구 이름이나 가까운 역 이름으로 말씀해 주세요."]
                if lang == "ko" else [f"I don't know where '{location}' is. Tell me a Seoul district or a nearby station."])
    location = result["location"]["name"]
    found = result.get("centers") or []
    if not found:
        return (["예시 데이터에는 그 근처 수거처가 없어요. 구청이나 주민센터에 문의해 주세요."] if lang == "ko"
                else ["My sample data has no drop-off point near there; please ask your district office."])
    first = found[0]
    kind = result.get("type_name")
    if lang == "ko":
        what = kind or "수거처"
        lines = [f"{location} 근처 가장 가까운 {what}: {first['name']}, 약 {first['distance_km']}킬로미터 거리예요."]
        if len(found) > 1:
            lines.append(f"그다음은 {found[1]['name']}, 약 {found[1]['distance_km']}킬로미터예요.")
    else:
        what = kind or "drop-off point"
        lines = [f"The closest {what} to {location} is {first['name']}, about {first['distance_km']} km away."]
        if len(found) > 1:
            lines.append(f"Next is {found[1]['name']}, about {found[1]['distance_km']} km away.")
    return [*lines, result["notice"]]


def price(result: dict[str, Any], lang: Lang) -> list[str]:
    if not result.get("found"):
        return (["그 재질의 시세는 제 자료에 없어요. 종이, 플라스틱, 유리, 캔 같은 재질로 물어봐 주세요."] if lang == "ko"
                else ["I don't have a price for that material. Try paper, plastic, glass or cans."])
    material, region, amount = result["material"]["name"], result["region"]["name"], result["won_per_kg"]
    year, _, month = result["as_of"].partition("-")
    if lang == "ko":
        return [f"{region} 기준 {models.with_particle(material, '은')} 킬로그램당 약 {amount:,}원이에요.",
                f"{year}년 {int(month)}월 조사의 예시 값이라 실제 고물상 가격은 다를 수 있어요."]
    return [f"In the {region} area, {material} fetches about {amount:,} won per kilogram.",
            f"That is a sample survey value from {year}-{month}; real buyers may pay less."]


def weather(result: dict[str, Any], lang: Lang) -> list[str]:
    if not result.get("available"):
        return [result["message"]]
    location, description, temperature = result["location"], result["description"], result["temperature_c"]
    if lang == "ko":
        lines = [f"{location} 지금 날씨는 {description}, 기온은 {temperature}도예요."]
        if result.get("precipitation"):
            lines.append("비나 눈이 오니 종이류는 젖지 않게 내놓으세요.")
        return lines
    lines = [f"In {location} it is {description} right now, {temperature} degrees."]
    if result.get("precipitation"):
        lines.append("It's wet out, so keep paper recycling covered.")
    return lines


def _failed(lang: Lang) -> str:
    return ("죄송해요, 지금은 그 정보를 찾지 못했어요. 잠시 후에 다시 물어봐 주세요." if lang == "ko"
            else "Sorry, I couldn't look that up just now. Please ask again in a moment.")
