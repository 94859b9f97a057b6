"""The offline skill agent's generic layer, wrapped around a profile's own deterministic agent.

A deterministic agent cannot understand arbitrary client-declared tools the way an LLM does, so
this layer gives them honest, predictable semantics: a tool forced by `tool_choice` is called; with
`auto`, a client tool is called when the user's words name it (its name or description words); the
arguments are filled from the utterance by their JSON-schema types. Results of client tools are
read back plainly. Everything else goes to the profile's agent.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from talkline.agent.base import Agent, AgentEvent, AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import Message, last_user_text, pending_tool_outputs
from talkline.agent.tools import ToolSpec

_WORD = re.compile(r"[A-Za-z]+|[가-힣]+")
_STOPWORDS = {"get", "set", "the", "a", "an", "of", "for", "to", "and", "or", "in", "on", "is", "by", "with",
              "from", "current", "data", "info", "information", "function", "tool", "call", "user", "api"}
_HANGUL = re.compile(r"[가-힣]")


def new_call_id() -> str:
    return "call_" + secrets.token_hex(12)


def speaks_korean(request: AgentRequest) -> bool:
    if request.language:
        return request.language.startswith("ko")
    return bool(_HANGUL.search(last_user_text(list(request.history))))


async def stream_words(text: str) -> AsyncIterator[TextDelta]:
    """Stream a composed reply a few words at a time, as a generative model would."""
    words = re.findall(r"\S+\s*", text)
    for start in range(0, len(words), 3):
        yield TextDelta("".join(words[start:start + 3]))


class SkillAgent:
    """Client tools, idle prompts and tool-output read-back around a profile's deterministic agent."""

    def __init__(self, inner: Agent, own_tools: Sequence[str] = ()) -> None:
        self.inner = inner
        self.name = f"skill:{inner.name}"
        self.own_tools = set(own_tools)

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        client_tools = [t for t in request.tools if t.name not in self.own_tools]
        answered = pending_tool_outputs(list(request.history))
        if answered and all(call.name not in self.own_tools for call, _ in answered):
            async for delta in stream_words(read_back(answered, speaks_korean(request))):
                yield delta
            return
        if not answered and (call := choose_client_tool(request, client_tools)) is not None:
            yield call
            return
        if not answered and _is_idle_prompt(request):
            async for delta in stream_words("여보세요? 듣고 계세요?" if speaks_korean(request)
                                            else "Are you still there?"):
                yield delta
            return
        async for event in self.inner.respond(request):
            yield event


def _is_idle_prompt(request: AgentRequest) -> bool:
    last = next((t for t in reversed(request.history) if isinstance(t, Message)), None)
    return last is not None and last.role == "user" and not last.text.strip()


def choose_client_tool(request: AgentRequest, tools: Sequence[ToolSpec]) -> ToolCallRequest | None:
    if not tools or request.tool_choice == "none":
        return None
    utterance = last_user_text(list(request.history))
    forced = request.tool_choice not in ("auto", "required")
    if forced:
        tool = next((t for t in tools if t.name == request.tool_choice), None)
    else:
        scored = sorted(((_mention_score(t, utterance), t) for t in tools), key=lambda pair: -pair[0])
        best_score, best = scored[0]
        tool = best if best_score > 0 or request.tool_choice == "required" else None
    if tool is None:
        return None
    arguments = fill_arguments(tool.parameters, utterance)
    return ToolCallRequest(new_call_id(), tool.name, json.dumps(arguments, ensure_ascii=False))


def _keywords(tool: ToolSpec) -> set[str]:
    name_words = set(re.split(r"[_\W]+", tool.name.lower()))
    return {w for w in name_words if len(w) > 2 and w not in _STOPWORDS}


def _mention_score(tool: ToolSpec, utterance: str) -> int:
    words = {w.lower() for w in _WORD.findall(utterance)}
    stems = {w.rstrip("s") for w in words}
    return sum(1 for k in _keywords(tool) if k in words or k.rstrip("s") in stems)


_PLACE_KEYS = ("city", "location", "place", "where", "address", "district", "region", "country", "area")


def fill_arguments(schema: Mapping[str, Any], utterance: str) -> dict[str, Any]:
    """Fill each property from the utterance by its type; required ones always get a value."""
    properties: Mapping[str, Any] = schema.get("properties", {}) or {}
    required = set(schema.get("required", []) or [])
    arguments: dict[str, Any] = {}
    for name, prop in properties.items():
        value = _guess_value(name, prop or {}, utterance)
        if value is not None or name in required:
            arguments[name] = value if value is not None else _empty(prop or {})
    return arguments


def _guess_value(name: str, prop: Mapping[str, Any], utterance: str) -> Any:
    kind = prop.get("type")
    if "enum" in prop:
        lowered = utterance.lower()
        return next((v for v in prop["enum"] if str(v).lower() in lowered), None)
    if kind in ("number", "integer"):
        match = re.search(r"-?\d+(?:\.\d+)?", utterance)
        if match is None:
            return None
        return int(float(match.group())) if kind == "integer" else float(match.group())
    if kind == "boolean":
        return None
    if kind in (None, "string"):
        if any(key in name.lower() for key in _PLACE_KEYS):
            return _place(utterance)
        return utterance.strip() or None
    return None


def _place(utterance: str) -> str | None:
    after = re.search(r"\b(?:in|at|for|near|around)\s+((?:[A-Z][\w'-]*\s?)+)", utterance)
    if after:
        return after.group(1).strip()
    capitalised = re.findall(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*", utterance)
    if capitalised:
        return capitalised[-1]
    korean = re.search(r"([가-힣]+?)(?:의|에서|에)?\s*(?:날씨|위치|근처)", utterance)
    return korean.group(1) if korean else None


def _empty(prop: Mapping[str, Any]) -> Any:
    return {"string": "", "number": 0, "integer": 0, "boolean": False, "array": [], "object": {}}.get(
        prop.get("type", "string"), "")


def read_back(answered: list, korean: bool) -> str:
    sentences = []
    for call, output in answered:
        facts = _facts(output.output)
        if korean:
            sentences.append(f"{call.name} 결과입니다. {facts}." if facts else f"{call.name} 결과를 받았어요.")
        else:
            sentences.append(f"Here is what {call.name} returned: {facts}." if facts
                             else f"{call.name} finished without details.")
    return " ".join(sentences)


def _facts(output: str) -> str:
    try:
        value = json.loads(output)
    except json.JSONDecodeError:
        return output.strip()[:300]
    if isinstance(value, Mapping):
        return ", ".join(f"{str(k).replace('_', ' ')} {_plain(v)}" for k, v in list(value.items())[:6])
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False)[:120]
    return str(value)
