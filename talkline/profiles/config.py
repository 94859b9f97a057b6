"""Per-profile engines, and profiles of one's own, from a TOML profiles file (`TALKLINE_PROFILES_FILE`).

    [profiles.eco.agent]               # a built-in profile, now on OpenAI
    kind = "openai"
    model = "gpt-4o-mini"
    api_key_env = "OPENAI_API_KEY"     # keys stay in the environment; the file only names the variable

    [profiles.eco.stt]
    kind = "openai"
    model = "whisper-1"

    [profiles.eco.tts]
    kind = "openai"
    model = "tts-1"
    voices = { saerom = "nova" }       # Talkline voice names to the provider's (others pass through)

    [profiles.tutor]                   # a new profile on a local Ollama, with eco's tools and its own
    description = "Recycling tutor"
    instructions = "You teach children how to sort waste."
    base = "eco"                       # inherit everything not set here (tools, voice, agent…)
    tools = ["mypackage.tools:registry"]
    [profiles.tutor.agent]
    kind = "openai"
    base_url = "http://localhost:11434/v1"
    model = "llama3.1"

    [profiles.eco.audio_model]         # voice jobs on a speech-to-speech chat model (audio in, tools, audio out)
    kind = "openai"
    model = "gpt-audio"
    voice = "alloy"

    [profiles.practice.realtime]       # Realtime sessions relayed to an upstream Realtime service
    kind = "relay"
    url = "wss://api.openai.com/v1/realtime"
    model = "gpt-realtime"
    dialect = "ga"                     # or "beta" (OpenAI-Beta: realtime=v1)
    session_max_seconds = 3600         # the upstream's cap; the relay reconnects before it

The engine tables parse into the typed choices of engines.py (`kind = "openai"`, `"local"`, and for
`realtime` also `"relay"`). With OpenAI's own URL (none given), `api_key_env` defaults to OPENAI_API_KEY.
This module only reads the file and applies it to the profiles; the runtime builds the engines.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, ValidationError

from talkline.agent.base import Agent
from talkline.agent.llm import InstructionRenderer
from talkline.agent.skill import SkillAgent
from talkline.agent.tools import ToolRegistry
from talkline.engines.pool import InferencePool
from talkline.profiles.base import Profile, ProfileRegistry
from talkline.profiles.card import ProfileCard
from talkline.profiles.engines import (
    ENGINE_KINDS,
    AgentChoice,
    AudioModelChoice,
    EngineChoice,
    FakeEngine,
    KeyedEngine,
    RealtimeChoice,
    RemoteAgent,
    SttChoice,
    TtsChoice,
    VadChoice,
)

log = logging.getLogger(__name__)

ENGINE_SECTIONS = tuple(EngineChoice.model_fields)
ProfileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
ToolsReference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfilesFileError(ValueError):
    """The profiles file cannot be used; the message names the file, the profile and the field."""


class ProfileEntry(_Strict):
    description: str | None = None
    instructions: str | None = None
    language: str | None = None
    voice: str | None = None
    base: str | None = None  # new profiles only: the profile to inherit from
    tools: list[ToolsReference] = Field(default_factory=list)  # "package.module:registry"
    options: dict[str, Any] = Field(default_factory=dict)
    vad: VadChoice | None = None
    stt: SttChoice | None = None
    tts: TtsChoice | None = None
    agent: AgentChoice | None = None
    audio_model: AudioModelChoice | None = None
    realtime: RealtimeChoice | None = None

    def engines(self) -> dict[str, Any]:
        """The engine tables the file sets (the others keep what the profile had)."""
        return {section: engine for section in ENGINE_SECTIONS if (engine := getattr(self, section)) is not None}


class ProfilesFile(_Strict):
    profiles: dict[ProfileName, ProfileEntry] = Field(default_factory=dict)


@dataclass(frozen=True)
class _Where:
    path: Path
    profile: str

    def error(self, field: str, problem: str) -> ProfilesFileError:
        return ProfilesFileError(f"profiles file {self.path}: profile '{self.profile}', field {field}: {problem}")


# ── reading the file ───────────────────────────────────────────────────────────────────────────


def load_profiles_file(path: Path | str) -> ProfilesFile:
    """Parse and validate the file, and read the keys it names from the environment."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfilesFileError(f"cannot read the profiles file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfilesFileError(f"profiles file {path} is not valid TOML: {exc}") from None
    try:
        parsed = ProfilesFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise ProfilesFileError(f"profiles file {path}: {problems}") from None
    return ProfilesFile(profiles={name: _with_keys(entry, _Where(path, name))
                                  for name, entry in parsed.profiles.items()})


def _problem(error: Mapping[str, Any]) -> str:
    """One validation problem, without the value that caused it (it might be a key)."""
    loc = list(error["loc"])
    # a discriminated engine table adds its `kind` to the location: profiles.eco.agent.openai.model
    loc = [part for index, part in enumerate(loc) if not (index and loc[index - 1] in ENGINE_SECTIONS
                                                          and part in ENGINE_KINDS)]
    message = str(error["msg"]).removeprefix("Value error, ")
    if loc[:1] == ["profiles"] and len(loc) > 1:
        field = _dotted(loc[2:])
        return f"profile '{loc[1]}'" + (f", field {field}" if field else "") + f": {message}"
    return f"field {_dotted(loc) or '(top level)'}: {message}"


def _dotted(parts: list[Any]) -> str:
    """('tools', 0) -> 'tools[0]'; ('agent', 'model') -> 'agent.model'."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _with_keys(entry: ProfileEntry, where: _Where) -> ProfileEntry:
    keyed = {section: _with_key(engine, section, where) for section, engine in entry.engines().items()
             if isinstance(engine, KeyedEngine)}
    return entry.model_copy(update=keyed)


def _with_key(engine: KeyedEngine, section: str, where: _Where) -> KeyedEngine:
    variable = engine.key_variable
    if variable is None:
        return engine
    value = os.environ.get(variable, "").strip()
    if not value:
        raise where.error(f"{section}.api_key_env", f"the environment variable {variable} is not set")
    return engine.model_copy(update={"api_key": SecretStr(value)})


# ── applying it to the profiles ────────────────────────────────────────────────────────────────


def apply_profiles_file(registry: ProfileRegistry, path: Path | str, pool: InferencePool | None = None
                        ) -> ProfileRegistry:
    """The registry with the file's engines and profiles applied (built-in profiles first, then new ones in
    file order). `pool` is handed to tool factories that take one."""
    parsed = load_profiles_file(path)
    known = {profile.name: profile for profile in registry}
    entries = sorted(parsed.profiles.items(), key=lambda item: item[0] not in known)
    for name, entry in entries:
        where = _Where(Path(path), name)
        if name in known and entry.base is not None:
            raise where.error("base", "only a new profile takes a base; this profile already exists")
        known[name] = _configure(name, entry, known, pool, where)
        log.info("profile %s: %s", name, known[name].engines.summary(known[name].agent.name))
    return ProfileRegistry(list(known.values()), default=registry.default)


def _configure(name: str, entry: ProfileEntry, known: Mapping[str, Profile], pool: InferencePool | None,
               where: _Where) -> Profile:
    start = known.get(name) if name in known else _base(entry, known, where)
    if start is None:
        return _fresh(name, entry, pool, where)
    renderer = None if entry.instructions is not None else start.render_instructions
    tools = _tools(start.tools, entry.tools, pool, where)
    llm = _agent(name, entry, renderer, tools)

    def configured(profile: Profile) -> Profile:
        """The file's choices over `profile` (also over each per-session variant, e.g. a practice scenario)."""
        return replace(profile, name=name, agent=llm or profile.agent, tools=tools,
                       description=_first(entry.description, profile.description),
                       instructions=_first(entry.instructions, profile.instructions),
                       language=_first(entry.language, profile.language), voice=_first(entry.voice, profile.voice),
                       options={**profile.options, **entry.options},
                       engines=profile.engines.model_copy(update=entry.engines()), variant=variant,
                       card=_card(name, profile, entry) if name != start.name else profile.card)

    base_variant = start.variant
    variant = (lambda options: configured(base_variant(options))) if base_variant else None
    return configured(start)


def _agent(name: str, entry: ProfileEntry, renderer: InstructionRenderer | None, tools: ToolRegistry
           ) -> Agent | None:
    """The agent the file chooses (None: the profile's own)."""
    if isinstance(entry.agent, RemoteAgent):
        return entry.agent.build(name, renderer)
    if isinstance(entry.agent, FakeEngine):
        from talkline.engines.fake import FakeAgent

        return SkillAgent(FakeAgent(), own_tools=[spec.name for spec in tools.specs()])
    return None


def _base(entry: ProfileEntry, known: Mapping[str, Profile], where: _Where) -> Profile | None:
    if entry.base is None:
        return None
    if entry.base not in known:
        raise where.error("base", f"no profile '{entry.base}' to inherit from; known: {', '.join(sorted(known))}")
    return known[entry.base]


def _fresh(name: str, entry: ProfileEntry, pool: InferencePool | None, where: _Where) -> Profile:
    if not isinstance(entry.agent, RemoteAgent | FakeEngine):
        raise where.error("agent", 'a new profile needs an agent table with kind = "openai" (or "fake"), or a base profile')
    if entry.instructions is None:
        raise where.error("instructions", "a new profile needs instructions, or a base profile")
    tools = _tools(ToolRegistry(), entry.tools, pool, where)
    return Profile(name=name, description=entry.description or "", instructions=entry.instructions,
                   agent=_agent(name, entry, None, tools), tools=tools,
                   language=entry.language, voice=entry.voice or "alloy", options=dict(entry.options),
                   engines=EngineChoice(**entry.engines()))


def _first(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def _card(name: str, base: Profile, entry: ProfileEntry) -> ProfileCard:
    """A new profile built on another shows its own name (and description), not its base's."""
    card = base.card or ProfileCard.plain(base.name, base.description, base.language)
    return card.renamed(name, entry.description)


def _tools(base: ToolRegistry, references: list[str], pool: InferencePool | None, where: _Where) -> ToolRegistry:
    if not references:
        return base
    merged = ToolRegistry(list(base))
    for index, reference in enumerate(references):
        for tool in _imported_tools(reference, pool, where, f"tools[{index}]"):
            merged.add(tool)
    return merged


def _imported_tools(reference: str, pool: InferencePool | None, where: _Where, field: str) -> ToolRegistry:
    module_name, _, attribute = reference.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise where.error(field, f"cannot import {reference}: {exc}") from None
    if callable(target) and not isinstance(target, ToolRegistry):
        target = target(pool) if inspect.signature(target).parameters else target()
    if not isinstance(target, ToolRegistry):
        raise where.error(field, f"{reference} is not a ToolRegistry (nor a function returning one)")
    return target
