"""A profile is an agent people talk to: instructions, voice, language, tools and engines, and the card a
client shows of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from talkline.agent.base import Agent, AgentRequest
from talkline.agent.tools import ToolRegistry
from talkline.profiles.card import ProfileCard
from talkline.profiles.engines import EngineChoice


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    instructions: str
    agent: Agent
    tools: ToolRegistry = field(default_factory=ToolRegistry)
    language: str | None = None  # the language users usually speak; None lets STT detect it
    voice: str = "alloy"
    options: Mapping[str, Any] = field(default_factory=dict)  # defaults for profile options
    engines: EngineChoice = field(default_factory=EngineChoice)  # what each stage runs on
    warm_up: Callable[[], Awaitable[None]] | None = None  # loads what the first turn would otherwise wait for
    # the profile as configured by per-session options (e.g. practice scenario and persona)
    variant: Callable[[Mapping[str, Any]], Profile] | None = None
    # called with (store, owner, conversation_id, options) once a recorded call has been stored
    finish_call: Callable[..., Awaitable[Any]] | None = None
    # the system prompt an LLM agent gets for a request (e.g. practice renders its scenario, persona and
    # progress); it honours instructions the session chose itself
    render_instructions: Callable[[AgentRequest], str] | None = None
    card: ProfileCard | None = None  # None: a plain card from the name and description

    def for_options(self, options: Mapping[str, Any]) -> Profile:
        """The profile for one session's options; raises ValueError for options it does not know."""
        return self.variant(options) if self.variant and options else self

    def models_entry(self) -> dict[str, Any]:
        """The profile's entry in `/v1/models`: OpenAI's fields, then Talkline's."""
        card = self.card or ProfileCard.plain(self.name, self.description, self.language)
        return {"id": self.name, "object": "model", "created": 0, "owned_by": "talkline",
                "description": self.description, "language": self.language,
                "tools": [spec.name for spec in self.tools.specs()], "talkline": card.model_dump(mode="json")}


class UnknownProfile(LookupError):
    def __init__(self, name: str, available: list[str]) -> None:
        super().__init__(f"unknown model '{name}'; available: {', '.join(available)}")
        self.name = name
        self.available = available


class ProfileRegistry:
    def __init__(self, profiles: list[Profile] | None = None, default: str | None = None) -> None:
        self._profiles: dict[str, Profile] = {}
        for profile in profiles or []:
            self.add(profile)
        self.default = default

    def add(self, profile: Profile) -> None:
        self._profiles[profile.name] = profile

    def get(self, name: str | None) -> Profile:
        key = name or self.default
        if key is None or key not in self._profiles:
            raise UnknownProfile(str(name), self.names())
        return self._profiles[key]

    def names(self) -> list[str]:
        return sorted(self._profiles)

    def __iter__(self) -> Iterator[Profile]:
        return iter(self._profiles.values())
