"""Tools: specs the model sees, server-side handlers, and a ledger that runs each call once.

A profile registers its server tools with a decorator; the JSON Schema for the parameters is
derived from the function signature by pydantic, and arguments are validated the same way. A tool
that only reads says so (`read_only=True`): a reply prepared ahead of time (speculation) may run it,
and stops before any other tool until the reply is really wanted:

    tools = ToolRegistry()

    @tools.tool(description="Look up how to dispose of an item", read_only=True)
    async def search_waste_disposal(query: Annotated[str, Field(description="item")]) -> dict: ...
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str
    parameters: Mapping[str, Any]

    def realtime(self) -> dict[str, Any]:
        return {"type": "function", "name": self.name, "description": self.description,
                "parameters": dict(self.parameters)}

    def chat(self) -> dict[str, Any]:
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": dict(self.parameters)}}


@dataclass(frozen=True, slots=True)
class ToolContext:
    """What a server tool may know about its caller."""

    owner: str | None = None
    language: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ToolResult:
    call_id: str
    name: str
    output: str  # JSON text given back to the model and the client
    ok: bool

    @property
    def value(self) -> Any:
        return json.loads(self.output)


class ToolArgumentsError(ValueError):
    pass


@dataclass(frozen=True)
class ServerTool:
    spec: ToolSpec
    handler: Callable[..., Awaitable[Any]]
    arguments: type[BaseModel]
    timeout_s: float = 10.0
    wants_context: bool = False
    read_only: bool = False  # only reads: safe to run for a reply that may yet be discarded (speculation)

    def parse_arguments(self, arguments: str) -> dict[str, Any]:
        try:
            raw = json.loads(arguments or "{}")
        except json.JSONDecodeError as exc:
            raise ToolArgumentsError(f"arguments are not valid JSON: {exc.msg}") from None
        if not isinstance(raw, dict):
            raise ToolArgumentsError("arguments must be a JSON object")
        try:
            return self.arguments.model_validate(raw).model_dump()
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
            raise ToolArgumentsError(problems) from None

    async def invoke(self, arguments: str, context: ToolContext) -> Any:
        kwargs = self.parse_arguments(arguments)
        if self.wants_context:
            kwargs["context"] = context
        return await asyncio.wait_for(self.handler(**kwargs), timeout=self.timeout_s)


class ToolRegistry:
    def __init__(self, tools: list[ServerTool] | None = None) -> None:
        self._tools: dict[str, ServerTool] = {tool.spec.name: tool for tool in tools or []}

    def tool(self, *, name: str | None = None, description: str, timeout_s: float = 10.0, read_only: bool = False
             ) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
        def register(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            self.add(server_tool(fn, name=name, description=description, timeout_s=timeout_s, read_only=read_only))
            return fn

        return register

    def add(self, tool: ServerTool) -> None:
        self._tools[tool.spec.name] = tool

    def get(self, name: str) -> ServerTool | None:
        return self._tools.get(name)

    def specs(self) -> list[ToolSpec]:
        return [tool.spec for tool in self._tools.values()]

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[ServerTool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)


def server_tool(fn: Callable[..., Awaitable[Any]], *, name: str | None = None, description: str,
                timeout_s: float = 10.0, read_only: bool = False) -> ServerTool:
    if not inspect.iscoroutinefunction(fn):
        raise TypeError(f"tool {fn.__name__} must be an async function")
    hints = get_type_hints(fn, include_extras=True)
    fields: dict[str, Any] = {}
    wants_context = False
    for param in inspect.signature(fn).parameters.values():
        if param.name == "context":
            wants_context = True
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints.get(param.name, Any), default)
    tool_name = name or fn.__name__
    model = create_model(f"{tool_name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
    schema = model.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    spec = ToolSpec(name=tool_name, description=description, parameters=schema)
    return ServerTool(spec=spec, handler=fn, arguments=model, timeout_s=timeout_s, wants_context=wants_context,
                      read_only=read_only)


class ToolLedger:
    """Runs each server tool call exactly once per `call_id`, even when a response is cancelled.

    The call runs in its own task, shielded from the caller: a barge-in cancels the waiting
    response, not the tool, and whoever asks for the same `call_id` later gets the recorded result.
    """

    def __init__(self) -> None:
        self._calls: dict[str, asyncio.Task[ToolResult]] = {}

    async def run(self, call_id: str, tool: ServerTool, arguments: str, context: ToolContext) -> ToolResult:
        task = self._calls.get(call_id)
        if task is None:
            task = asyncio.create_task(self._execute(call_id, tool, arguments, context), name=f"tool:{call_id}")
            self._calls[call_id] = task
        return await asyncio.shield(task)

    def result(self, call_id: str) -> ToolResult | None:
        task = self._calls.get(call_id)
        if task is None or not task.done() or task.cancelled():
            return None
        return task.result()

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    async def close(self, timeout_s: float = 5.0) -> None:
        """Wait for tools still running (their results are kept) when a session ends."""
        pending = [task for task in self._calls.values() if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)

    @staticmethod
    async def _execute(call_id: str, tool: ServerTool, arguments: str, context: ToolContext) -> ToolResult:
        name = tool.spec.name
        try:
            value = await tool.invoke(arguments, context)
            return ToolResult(call_id, name, json.dumps(value, ensure_ascii=False, default=str), ok=True)
        except ToolArgumentsError as exc:
            return _failure(call_id, name, "invalid_arguments", str(exc))
        except TimeoutError:
            return _failure(call_id, name, "timeout", f"{name} did not answer within {tool.timeout_s:g} s")
        except Exception as exc:  # a failing tool is a result the agent can talk about, not a crash
            log.warning("tool %s failed: %s", name, exc.__class__.__name__, exc_info=True)
            return _failure(call_id, name, "tool_failed", f"{exc.__class__.__name__}: {exc}")


def _failure(call_id: str, name: str, code: str, message: str) -> ToolResult:
    return ToolResult(call_id, name, json.dumps({"error": {"code": code, "message": message}},
                                                ensure_ascii=False), ok=False)
