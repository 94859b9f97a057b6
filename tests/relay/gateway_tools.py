"""A server tool that only the gateway (Talkline A) has, for the relay tests: the upstream (Talkline B) sees it as
a client tool, so an answer that carries its output can only have come through the gateway."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from talkline.agent.tools import ToolRegistry

registry = ToolRegistry()


@registry.tool(description="Opening hours of the recycling shop in a city")
async def get_opening_hours(city: Annotated[str, Field(description="the city")]) -> dict[str, str]:
    return {"city": city, "opens": "9 am", "closes": "9 pm", "answered_by": "gateway"}
