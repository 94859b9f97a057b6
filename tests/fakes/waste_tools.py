"""Two server tools for tests of the tool loop and speculation: a read-only look-up and a booking with a
side effect. Each call is recorded in the `ran` list the test passes in."""

from __future__ import annotations

from talkline.agent.tools import ToolRegistry


def waste_tools(ran: list[str]) -> ToolRegistry:
    tools = ToolRegistry()

    @tools.tool(description="Look up how to dispose of an item", read_only=True)
    async def look_up(item: str) -> dict[str, str]:
        ran.append("look_up")
        return {"item": item, "bin": "plastics"}

    @tools.tool(description="Book a bulky waste pickup")
    async def book_pickup(item: str) -> dict[str, str]:
        ran.append("book_pickup")
        return {"booked": item}

    return tools
