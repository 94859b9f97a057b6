"""The eco tools, registered with JSON-schema parameters so that any agent (ours or an LLM) can call them.

Every result is a JSON-ready dict with a short `summary` for UIs. Answers come in the language of
the caller (`ToolContext.language`) or else of the argument text (Hangul → Korean).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from talkline.agent.tools import ToolContext, ToolRegistry
from talkline.profiles.eco.bulk import bulk_waste_info
from talkline.profiles.eco.centers import CenterType, recycling_centers
from talkline.profiles.eco.knowledge import Lang
from talkline.profiles.eco.prices import recyclable_price
from talkline.profiles.eco.services import EcoServices
from talkline.profiles.eco.text import detect_language

Query = Annotated[str, Field(min_length=1, max_length=300,
                             description="The user's question or the item, in their words, e.g. '페트병 뚜껑' "
                                         "or 'broken mirror'. Include the item they mean in follow-ups.")]
Item = Annotated[str, Field(min_length=1, max_length=100, description="The bulky item, e.g. '3인용 소파', 'mattress'.")]
District = Annotated[str | None, Field(max_length=60, description="Seoul district or landmark, e.g. '마포구', 'Gangnam'.")]
Location = Annotated[str, Field(min_length=1, max_length=60,
                                description="Where the user is: a Seoul district, station or landmark, or a city.")]
Kind = Annotated[CenterType | None, Field(description="What they want to drop off; omit for any.")]
Material = Annotated[str, Field(min_length=1, max_length=60, description="Material, e.g. '알루미늄 캔', 'cardboard', 'PET'.")]
Region = Annotated[str | None, Field(max_length=60, description="Region or city, e.g. '수도권', 'Busan'. Omit for the national average.")]


INDEX_BUILD_TIMEOUT_S = 180.0  # the first lookup in a process may wait for the index build (e5 over every item)


def language(context: ToolContext, *texts: str | None) -> Lang:
    if context.language in ("ko", "en"):
        return context.language  # type: ignore[return-value]
    return detect_language(" ".join(text for text in texts if text))


def build_tools(services: EcoServices) -> ToolRegistry:
    tools = ToolRegistry()

    # the first lookup in a process may build the index (models load, every name is embedded): allow for it
    @tools.tool(description="Look up how to sort and put out a household item in Korea (분리배출): which bin or "
                            "bag, how to prepare it, and common exceptions. Returns status 'answer', 'clarify' "
                            "(ask the user the returned question) or 'unknown'.", timeout_s=INDEX_BUILD_TIMEOUT_S, read_only=True)
    async def search_waste_disposal(query: Query, context: ToolContext) -> dict[str, Any]:
        lang = language(context, query)
        return await services.offload(lambda: services.guide().lookup(query, lang))

    @tools.tool(description="Typical bulky-waste (대형폐기물) fee for an item and how to book the pick-up. Sample "
                            "fees: they vary by district.", read_only=True)
    async def get_bulk_waste_info(item: Item, context: ToolContext, district: District = None) -> dict[str, Any]:
        lang = language(context, item, district)
        return await services.offload(bulk_waste_info, services.fees, services.places, item, district, lang)

    @tools.tool(description="Nearest recycling centres and drop-off boxes (batteries, lamps, clothes, small "
                            "electronics, medicine, reuse centres) to a place in Seoul, with distances. Sample data.", read_only=True)
    async def search_recycling_center(location: Location, context: ToolContext, type: Kind = None) -> dict[str, Any]:
        lang = language(context, location)
        return await services.offload(recycling_centers, services.centers, services.places, location, type, lang)

    @tools.tool(description="What recyclers pay per kg for a recyclable material, by region (dated sample survey).", read_only=True)
    async def get_recyclable_price(material: Material, context: ToolContext, region: Region = None) -> dict[str, Any]:
        lang = language(context, material, region)
        return await services.offload(recyclable_price, services.prices, services.places, material, region, lang)

    @tools.tool(description="Current weather at a place, e.g. before putting rubbish out. Says so when weather "
                            "is unavailable.", read_only=True)
    async def get_weather(location: Location, context: ToolContext) -> dict[str, Any]:
        return await services.weather.current(location, language(context, location))

    return tools
