"""Short spoken replies built from tool results, in the user's language.

Replies are a few plain sentences (no lists, no markup) because they are read aloud; the most
useful sentence comes first so speech can start on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from talkline.profiles.eco import answers, models
from talkline.profiles.eco.answers import copula
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
            parts.extend(disposal(result, limit=1 if with_fee else MAX_SENTENCES))
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
    """The fee: every size when the question did not say one; "예시" whenever the table is the sample.
    `with_booking` is false when a disposal answer already said the item is bulky waste."""
    if not result.get("found"):
        unknown = ("그 물건의 수수료는 제 요금표에 없어서 구청에 확인해 보셔야 해요." if lang == "ko"
                   else "I don't have a fee for that item, so please check with your district office.")
        return [unknown, result["booking"][0]] if with_booking else [unknown]
    name, sizes, sample = result["item"]["name"], result["sizes"], result.get("sample", True)
    known = result.get("size_known")
    if lang == "ko":
        source = "예시 요금표로는" if sample else f"{result.get('data_district') or '구청'} 요금표로는"
        if known:
            fee = f"{source} {name} {result['size']} 수수료가 {copula(_won_ko(result['fee_won']))}."
        else:
            listed = copula(", ".join(f"{size['size']} {_won_ko(size['fee_won'])}" for size in sizes))
            # after a disposal sentence, one sentence: the reply stays at three
            fee = f"{models.with_particle(name, '은')} 크기에 따라 달라요. {source} {listed}." if with_booking else \
                f"{source} 크기에 따라 {listed}."
        office = f"{result['district']}청" if result.get("district") else "구청"
        caution = f"실제 수수료는 구마다 달라서 {office}에서 꼭 확인하세요." if sample else ""
    else:
        source = "In my sample fee table" if sample else f"In the {result.get('data_district') or 'district'} fee table"
        if known:
            size = "" if result["size"] in ("each", "standard") else f", {result['size']},"
            fee = f"{source}, a {name}{size} costs {_won_en(result['fee_won'])}."
        else:
            listed = ", ".join(f"{size['size']} {_won_en(size['fee_won'])}" for size in sizes)
            fee = f"The fee for a {name} depends on its size. {source}: {listed}." if with_booking else \
                f"{source} the fee depends on size: {listed}."
        office = f"the {result['district']} office" if result.get("district") else "yours"
        caution = f"Real fees differ by district, so check with {office}." if sample else ""
    booking = result["booking"][0] if with_booking and known else ""
    return [line for line in (*answers.sentences(fee), caution, *answers.sentences(booking)) if line][:3]


def _won_ko(won: int) -> str:
    return "무료" if won == 0 else f"{won:,}원"


def _won_en(won: int) -> str:
    return "nothing" if won == 0 else f"{won:,} won"


def centers(result: dict[str, Any], lang: Lang) -> list[str]:
    """The nearest drop-off points; sample places are said to be examples, never sent to as real."""
    if isinstance(result.get("location"), str):  # the place was not recognised
        location = result["location"]
        return ([f"'{location}' 위치를 잘 모르겠어요. 구 이름이나 가까운 역 이름으로 말씀해 주세요."]
                if lang == "ko" else [f"I don't know where '{location}' is. Tell me a Seoul district or a nearby station."])
    location = result["location"]["name"]
    found = result.get("centers") or []
    sample = result.get("sample", True)
    kind = result.get("type_name")
    if not found:
        return (["제 자료에는 그 근처 수거처가 없어요. 구청이나 주민센터에 문의해 주세요."] if lang == "ko"
                else ["I have no drop-off point near there; please ask your district office."])
    first = found[0]
    name = _without_sample_mark(first["name"])
    if lang == "ko":
        what = kind or "수거처"
        if sample:
            return [f"예시 자료로는 {location} 근처 {models.with_particle(what, '으로')} {models.with_particle(name, '이')} 약 "
                    f"{first['distance_km']}킬로미터 거리에 있어요.",
                    "예시라서 실제 장소가 아니에요. 실제 위치는 구청이나 주민센터에 확인하세요."]
        lines = [f"{location} 근처 가장 가까운 {models.with_particle(what, '은')} {name}, 약 {first['distance_km']}킬로미터 "
                 "거리예요."]
        if len(found) > 1:
            lines.append(f"그다음은 {_without_sample_mark(found[1]['name'])}, 약 {found[1]['distance_km']}킬로미터예요.")
        return lines
    what = kind or "drop-off point"
    if sample:
        return [f"In my sample data, the closest {what} to {location} is {name}, about {first['distance_km']} km away.",
                "That's an example, not a real place: please check the real location with your district office."]
    lines = [f"The closest {what} to {location} is {name}, about {first['distance_km']} km away."]
    if len(found) > 1:
        lines.append(f"Next is {_without_sample_mark(found[1]['name'])}, about {found[1]['distance_km']} km away.")
    return lines


def _without_sample_mark(name: str) -> str:
    return name.replace("(예시)", "").replace("(sample)", "").strip()


def price(result: dict[str, Any], lang: Lang) -> list[str]:
    if not result.get("found"):
        return (["그 재질의 시세는 제 자료에 없어요. 종이, 플라스틱, 유리, 캔 같은 재질로 물어봐 주세요."] if lang == "ko"
                else ["I don't have a price for that material. Try paper, plastic, glass or cans."])
    material, region, amount = result["material"]["name"], result["region"]["name"], result["won_per_kg"]
    year, _, month = result["as_of"].partition("-")
    sample = result.get("sample", True)
    if lang == "ko":
        source = f"{year}년 {int(month)}월 예시 시세표로는" if sample else f"{year}년 {int(month)}월 조사로는"
        return [f"{source} {region} {models.with_particle(material, '이')} 킬로그램당 {amount:,}원 정도예요.",
                "실제 고물상 가격은 이보다 낮을 수 있어요." if not sample else
                "예시 값이라 실제 고물상 가격과는 달라요."]
    source = f"In my sample price table for {year}-{month}" if sample else f"In the {year}-{month} survey"
    return [f"{source}, {material} fetches about {amount:,} won per kilogram in the {region} area.",
            "That's an example value; real buyers pay differently." if sample else
            "Small sellers usually get less from a scrap dealer."]


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
