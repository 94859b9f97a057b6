"""Eco: the waste-disposal (분리배출) assistant, Korean and English, fully offline.

`create_eco_profile()` gives the profile: the offline skill agent plus five tools (disposal
lookup, bulky-waste fees, recycling centres, recyclable prices, weather) that an LLM engine can
be offered instead. Models (Kiwi, multilingual-e5-small) and the index load lazily, once per
process; `warm_up()` loads them ahead of the first question.
"""

from __future__ import annotations

from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile
from talkline.profiles.eco.agent import EcoSkillAgent
from talkline.profiles.eco.services import EcoServices
from talkline.profiles.eco.tools import build_tools
from talkline.profiles.eco.weather import WeatherProvider

INSTRUCTIONS = """\
You are Eco, a friendly voice assistant that helps people in Korea sort and put out household waste
(분리배출). Reply in the user's language (Korean or English), in two or three short spoken sentences:
the first sentence answers the question; no lists, no markdown; say nothing about items nobody asked
about and never repeat a warning.

Always call search_waste_disposal before saying how to dispose of an item, and answer from its result:
its `answer` sentences are ready to speak (a yes/no question is answered yes or no first; a
condition such as greasy, stained or a lot changes the bin and is already taken into account). If its
status is "clarify", ask the user its question. If it is "unknown", say honestly that you don't know
and suggest the district office (구청) or community centre (주민센터). In follow-ups that name no new
item ("what about the cap?", "찌그러뜨려도 돼?"), include the item from earlier in the query; when the
user names a new item, ask about that item alone.

Use get_bulk_waste_info for fees and booking of furniture and other bulky waste (when the size is not
given, give every size or ask which), search_recycling_center to find drop-off points near a place,
get_recyclable_price for what recyclers pay, and get_weather when weather matters. When a result has
"sample": true it comes from example data: say it is an example, never present a sample place as real
or a sample fee as official, and tell the user to confirm with the district office. Never invent
phone numbers, prices or places. Keep phone numbers and prices as written; name a website instead of
reading its address aloud.
"""


def create_eco_profile(pool: InferencePool | None = None, weather: WeatherProvider | None = None) -> Profile:
    services = EcoServices(pool, weather)
    tools = build_tools(services)
    return Profile(
        name="eco",
        description="Waste-disposal (분리배출) assistant for Korea: how to sort items, bulky-waste fees, "
                    "recycling centres, recyclable prices. Korean and English.",
        instructions=INSTRUCTIONS,
        agent=EcoSkillAgent(services, tools),
        tools=tools,
        language=None,
        voice="alloy",
    )


async def warm_up(pool: InferencePool | None = None) -> None:
    """Load the models and build the retrieval index now (takes seconds), e.g. at server start."""
    await EcoServices(pool).warm_up()


__all__ = ["INSTRUCTIONS", "create_eco_profile", "warm_up"]
