import asyncio
import json
from typing import Annotated

from pydantic import Field

from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry

tools = ToolRegistry()
calls: list[str] = []


@tools.tool(description="Look up an item")
async def look_up(item: Annotated[str, Field(description="what to look up")], limit: int = 3) -> dict:
    calls.append(item)
    await asyncio.sleep(0.05)
    return {"item": item, "limit": limit}


@tools.tool(description="Always fails")
async def broken(reason: str) -> dict:
    raise RuntimeError(reason)


@tools.tool(description="Too slow", timeout_s=0.05)
async def slow() -> dict:
    await asyncio.sleep(1)
    return {}


@tools.tool(description="Knows its caller")
async def whoami(context: ToolContext) -> dict:
    return {"owner": context.owner}


def test_schema_comes_from_the_signature() -> None:
    spec = tools.get("look_up").spec
    assert spec.parameters["properties"]["item"] == {"description": "what to look up", "type": "string"}
    assert spec.parameters["required"] == ["item"]
    assert spec.realtime()["type"] == "function" and spec.chat()["function"]["name"] == "look_up"
    assert "context" not in tools.get("whoami").spec.parameters.get("properties", {})


async def test_a_call_runs_once_per_call_id_even_when_the_waiter_is_cancelled() -> None:
    ledger = ToolLedger()
    calls.clear()
    waiter = asyncio.create_task(ledger.run("call_1", tools.get("look_up"), '{"item": "cap"}', ToolContext()))
    await asyncio.sleep(0.01)
    waiter.cancel()
    again = await ledger.run("call_1", tools.get("look_up"), '{"item": "cap"}', ToolContext())
    assert again.ok and again.value == {"item": "cap", "limit": 3}
    assert calls == ["cap"]


async def test_failures_become_results_the_agent_can_talk_about() -> None:
    ledger = ToolLedger()
    failed = await ledger.run("c1", tools.get("broken"), '{"reason": "no data"}', ToolContext())
    assert not failed.ok and failed.value["error"]["code"] == "tool_failed" and "no data" in failed.output
    timed_out = await ledger.run("c2", tools.get("slow"), "{}", ToolContext())
    assert timed_out.value["error"]["code"] == "timeout"
    bad_json = await ledger.run("c3", tools.get("look_up"), "{nope", ToolContext())
    assert bad_json.value["error"]["code"] == "invalid_arguments"
    wrong_type = await ledger.run("c4", tools.get("look_up"), json.dumps({"item": "x", "limit": "many"}), ToolContext())
    assert wrong_type.value["error"]["code"] == "invalid_arguments" and "limit" in wrong_type.output
    extra = await ledger.run("c5", tools.get("look_up"), json.dumps({"item": "x", "colour": 1}), ToolContext())
    assert extra.value["error"]["code"] == "invalid_arguments"


async def test_context_is_injected() -> None:
    result = await ToolLedger().run("c", tools.get("whoami"), "{}", ToolContext(owner="key_1/alice"))
    assert result.value == {"owner": "key_1/alice"}
