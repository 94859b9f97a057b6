"""The five tools as any agent sees them: schemas, typed errors, and what each answers."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from pydantic import SecretStr

from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry
from talkline.profiles.base import Profile
from talkline.profiles.eco.places import haversine_km, load_gazetteer
from talkline.profiles.eco.weather import OfflineWeather, OpenWeatherMap, WeatherSettings, weather_provider

TOOLS = {"search_waste_disposal", "get_bulk_waste_info", "search_recycling_center", "get_recyclable_price",
         "get_weather"}


async def call(tools: ToolRegistry, name: str, language: str | None = None, **arguments: object) -> dict:
    tool = tools.get(name)
    assert tool is not None
    return await tool.invoke(json.dumps(arguments, ensure_ascii=False), ToolContext(language=language))


def test_every_tool_has_a_described_json_schema(eco_profile: Profile) -> None:
    specs = {spec.name: spec for spec in eco_profile.tools.specs()}
    assert set(specs) == TOOLS
    for spec in specs.values():
        assert spec.description and spec.parameters["type"] == "object"
        for prop in spec.parameters["properties"].values():
            assert prop.get("description"), spec.name
    assert specs["search_waste_disposal"].parameters["required"] == ["query"]
    assert specs["get_bulk_waste_info"].parameters["required"] == ["item"]
    kinds = specs["search_recycling_center"].parameters["properties"]["type"]["anyOf"][0]["enum"]
    assert set(kinds) == {"reuse_center", "clothing", "battery", "lamp", "small_electronics", "medicine"}
    assert specs["get_weather"].chat()["function"]["name"] == "get_weather"


def test_every_tool_only_reads_so_a_speculative_reply_may_run_it(eco_profile: Profile) -> None:
    assert [tool.spec.name for tool in eco_profile.tools if not tool.read_only] == []


@pytest.mark.parametrize(("name", "arguments", "problem"), [
    ("search_waste_disposal", "{}", "query: Field required"),
    ("search_waste_disposal", '{"query": ""}', "at least 1 character"),
    ("search_recycling_center", '{"location": "마포구", "type": "rocket"}', "type: Input should be"),
    ("get_weather", '{"location": "서울", "units": "f"}', "units: Extra inputs are not permitted"),
    ("get_recyclable_price", "not json", "not valid JSON"),
])
async def test_bad_arguments_get_a_typed_error(eco_profile: Profile, name: str, arguments: str, problem: str) -> None:
    result = await ToolLedger().run("call_1", eco_profile.tools.get(name), arguments, ToolContext())
    assert not result.ok
    error = result.value["error"]
    assert error["code"] == "invalid_arguments" and problem in error["message"]


async def test_bulk_fee_by_item_with_sizes_district_and_booking(eco_profile: Profile) -> None:
    sofa = await call(eco_profile.tools, "get_bulk_waste_info", item="3인용 소파", district="홍대")
    assert sofa["found"] and sofa["size_known"] and sofa["fee_won"] == 15000 and sofa["sample"]
    assert {size["fee_won"] for size in sofa["sizes"]} == {5000, 10000, 15000}
    assert sofa["district"] == "마포구"  # a landmark resolves to its district
    assert sofa["source"] == {"file": "bulk_fees.sample.csv", "as_of": "2026-11-01", "sample": True}
    assert any("스티커" in step for step in sofa["booking"]) and "1599-0903" in sofa["free_pickup_for_appliances"]
    couch = await call(eco_profile.tools, "get_bulk_waste_info", item="couch")
    assert couch["item"]["id"] == "sofa" and not couch["size_known"] and couch["fee_won"] is None
    mattress = await call(eco_profile.tools, "get_bulk_waste_info", item="single mattress")
    assert mattress["fee_won"] == 8000 and mattress["summary"] == "mattress: single 8,000 won"


async def test_bulk_fee_for_unknown_items_and_places_says_so(eco_profile: Profile) -> None:
    result = await call(eco_profile.tools, "get_bulk_waste_info", item="우주선", district="Atlantis")
    assert not result["found"] and not result["district_recognised"]
    assert "소파" in result["known_items"] and result["booking"]


async def test_recycling_centres_are_the_nearest_that_accept_the_type(eco_profile: Profile) -> None:
    result = await call(eco_profile.tools, "search_recycling_center", location="강남역", type="battery")
    centers = result["centers"]
    assert result["found"] and result["sample"] and len(centers) == 3
    assert [c["distance_km"] for c in centers] == sorted(c["distance_km"] for c in centers)
    assert all("폐건전지 수거함" in c["accepts"] for c in centers)
    station = load_gazetteer().resolve("강남역")
    first = centers[0]
    assert first["distance_km"] == round(haversine_km(station.lat, station.lon, first["lat"], first["lon"]), 1)
    assert first["name"].startswith("역삼1동") and first["name"].endswith("(예시)") and result["sample"]


async def test_recycling_centres_outside_the_sample_or_unknown_places(eco_profile: Profile) -> None:
    busan = await call(eco_profile.tools, "search_recycling_center", location="Busan")
    assert not busan["found"] and busan["centers"] == [] and "30 km" in busan["summary"]
    nowhere = await call(eco_profile.tools, "search_recycling_center", location="zzzz")
    assert not nowhere["found"] and nowhere["examples"]


def test_haversine_matches_known_distances() -> None:
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)  # one degree of latitude
    assert haversine_km(37.5665, 126.9780, 35.1796, 129.0756) == pytest.approx(325, abs=5)  # Seoul–Busan


async def test_recyclable_prices_by_material_and_region(eco_profile: Profile) -> None:
    seoul = await call(eco_profile.tools, "get_recyclable_price", material="알루미늄 캔", region="서울")
    assert seoul["won_per_kg"] == 1350 and seoul["region"]["id"] == "capital" and seoul["national_won_per_kg"] == 1200
    busan = await call(eco_profile.tools, "get_recyclable_price", material="cardboard", region="Busan")
    assert busan["region"]["id"] == "gyeongnam" and busan["won_per_kg"] == 80 and busan["as_of"] == "2025-01"
    national = await call(eco_profile.tools, "get_recyclable_price", material="PET")
    assert national["region"]["id"] == "national" and national["won_per_kg"] == 350


async def test_prices_for_unknown_materials_and_regions(eco_profile: Profile) -> None:
    gold = await call(eco_profile.tools, "get_recyclable_price", material="gold bars")
    assert not gold["found"] and "cardboard" in gold["known_materials"]
    mars = await call(eco_profile.tools, "get_recyclable_price", material="newspaper", region="Mars")
    assert mars["found"] and not mars["region_recognised"] and mars["region"]["id"] == "national"


async def test_results_follow_the_callers_language(eco_profile: Profile) -> None:
    english = await call(eco_profile.tools, "search_waste_disposal", language="en", query="우유팩")
    assert english["language"] == "en" and english["action"].startswith("Put")


async def test_weather_offline_answers_that_it_is_unavailable(eco_profile: Profile) -> None:
    result = await call(eco_profile.tools, "get_weather", location="서울")
    assert result["available"] is False and "날씨 정보를 가져올 수 없어요" in result["message"]


def test_the_network_weather_provider_is_used_only_with_a_key() -> None:
    places = load_gazetteer()
    assert isinstance(weather_provider(places, WeatherSettings(openweather_api_key=None)), OfflineWeather)
    keyed = WeatherSettings(openweather_api_key=SecretStr("k-123"))
    assert isinstance(weather_provider(places, keyed), OpenWeatherMap)


async def test_an_unreachable_weather_service_is_reported_not_raised() -> None:
    with socket.socket() as probe:  # a local port with nothing listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = OpenWeatherMap(SecretStr("k-unreachable"), load_gazetteer(), url=f"http://127.0.0.1:{port}/weather")
    result = await provider.current("서울", "ko")
    assert result["available"] is False and result["reason"] == "service_error"


def test_the_weather_key_is_redacted_from_http_logs(caplog: pytest.LogCaptureFixture) -> None:
    OpenWeatherMap(SecretStr("sekrit-key-42"), load_gazetteer())
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info('HTTP Request: GET %s "HTTP/1.1 200 OK"',
                                        "https://api.example/weather?q=x&appid=sekrit-key-42")
    assert "sekrit-key-42" not in caplog.text and "appid=***" in caplog.text
