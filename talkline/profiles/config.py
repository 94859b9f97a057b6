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

Engines are `kind = "openai"` (any OpenAI-compatible server, chosen by `base_url`) or `kind = "local"`
(the offline default); the `realtime` section also takes `kind = "relay"`. With OpenAI's own URL (none
given), `api_key_env` defaults to OPENAI_API_KEY. Keys are held as SecretStr and never logged, dumped
or shown in a repr.
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
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from talkline.agent.base import Agent, AgentRequest
from talkline.agent.llm import DEFAULT_HISTORY_TOKENS, InstructionRenderer, LLMAgent
from talkline.agent.tools import ToolRegistry
from talkline.engines.base import SpeechToText, TextToSpeech
from talkline.engines.pool import InferencePool
from talkline.engines.remote import OpenAIEndpoint, OpenAISTT, OpenAITTS
from talkline.engines.remote.endpoint import DEFAULT_TIMEOUT_S
from talkline.engines.remote.openai_tts import PCM_RATE
from talkline.profiles.base import Profile, ProfileRegistry

if TYPE_CHECKING:
    from talkline.engines.local import Engines

log = logging.getLogger(__name__)

OPENAI_KEY_ENV = "OPENAI_API_KEY"
OPENAI_REALTIME_URL = "wss://api.openai.com/v1/realtime"
ENGINE_SECTIONS = ("agent", "stt", "tts", "audio_model", "realtime")
ENGINE_KINDS = ("openai", "local", "relay")
ProfileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
ToolsReference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")]


class ProfilesFileError(ValueError):
    """The profiles file cannot be used; the message names the file, the profile and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalEngine(_Strict):
    kind: Literal["local"]


class _Keyed(_Strict):
    """An engine that authenticates with a key read from the environment variable `api_key_env`."""

    api_key_env: str | None = None
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)  # from the environment only

    @model_validator(mode="before")
    @classmethod
    def _no_key_in_the_file(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "api_key" in data:
            raise ValueError("keys never go in the profiles file: put the key in an environment variable "
                             "and name that variable in api_key_env")
        return data

    @property
    def key_variable(self) -> str | None:
        raise NotImplementedError


class _RemoteEngine(_Keyed):
    kind: Literal["openai"]
    base_url: str | None = None  # None: OpenAI's own
    timeout_s: PositiveFloat = DEFAULT_TIMEOUT_S
    max_retries: int = Field(default=2, ge=0, le=10)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return url

    @property
    def key_variable(self) -> str | None:
        return self.api_key_env or (OPENAI_KEY_ENV if self.base_url is None else None)

    def endpoint(self) -> OpenAIEndpoint:
        return OpenAIEndpoint(base_url=self.base_url, api_key=self.api_key, timeout_s=self.timeout_s,
                              max_retries=self.max_retries)


class RemoteAgent(_RemoteEngine):
    model: str
    history_token_budget: PositiveInt = DEFAULT_HISTORY_TOKENS
    temperature: float | None = Field(default=None, ge=0, le=2)
    stream_usage: bool = True  # set false for servers that reject `stream_options`
    extra_body: dict[str, Any] = Field(default_factory=dict)  # vendor options, sent as they are


class RemoteSTT(_RemoteEngine):
    model: str = "whisper-1"


class RemoteTTS(_RemoteEngine):
    model: str = "tts-1"
    voice: str = "alloy"  # when the session names none
    voices: dict[str, str] = Field(default_factory=dict)  # Talkline voice -> the provider's voice
    sample_rate: PositiveInt = PCM_RATE
    instructions: str | None = None  # for models that take speaking instructions (gpt-4o-mini-tts)


class RemoteAudioModel(_RemoteEngine):
    """A chat-completions audio model (gpt-audio): voice jobs send the recorded audio and get speech back."""

    model: str = "gpt-audio"
    voice: str = "alloy"  # when the job names none
    voices: dict[str, str] = Field(default_factory=dict)  # Talkline voice -> the provider's voice


class RelayUpstream(_Keyed):
    """An upstream Realtime service (OpenAI's, or another Talkline) that serves this profile's sessions."""

    kind: Literal["relay"]
    url: str = OPENAI_REALTIME_URL
    model: str = "gpt-realtime"
    dialect: Literal["ga", "beta"] = "ga"
    session_max_seconds: PositiveInt | None = None  # the upstream's cap; None: 1800 for beta, 3600 for GA
    reconnect_margin_seconds: PositiveFloat = 300.0  # how long before the cap the relay looks for a quiet moment
    connect_timeout_s: PositiveFloat = 10.0
    voice: str | None = None  # the upstream voice when neither the client nor its secret chooses one
    transcription_model: str = "gpt-4o-mini-transcribe"  # what the gateway asks for to keep transcripts

    @field_validator("url")
    @classmethod
    def _websocket_url(cls, url: str) -> str:
        if not url.startswith(("ws://", "wss://")):
            raise ValueError("url must start with ws:// or wss://")
        return url

    @model_validator(mode="after")
    def _margin_below_cap(self) -> RelayUpstream:
        if self.reconnect_margin_seconds >= self.max_seconds:
            raise ValueError(f"reconnect_margin_seconds ({self.reconnect_margin_seconds:g}) must be shorter than "
                             f"the session cap ({self.max_seconds} s)")
        return self

    @property
    def max_seconds(self) -> int:
        return self.session_max_seconds or (1800 if self.dialect == "beta" else 3600)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def key_variable(self) -> str | None:
        return self.api_key_env or (OPENAI_KEY_ENV if self.url == OPENAI_REALTIME_URL else None)


RemoteEngine = RemoteAgent | RemoteSTT | RemoteTTS | RemoteAudioModel


class ProfileEntry(_Strict):
    description: str | None = None
    instructions: str | None = None
    language: str | None = None
    voice: str | None = None
    base: str | None = None  # new profiles only: the profile to inherit from
    tools: list[ToolsReference] = Field(default_factory=list)  # "package.module:registry"
    options: dict[str, Any] = Field(default_factory=dict)
    agent: Annotated[RemoteAgent | LocalEngine, Field(discriminator="kind")] | None = None
    stt: Annotated[RemoteSTT | LocalEngine, Field(discriminator="kind")] | None = None
    tts: Annotated[RemoteTTS | LocalEngine, Field(discriminator="kind")] | None = None
    audio_model: Annotated[RemoteAudioModel | LocalEngine, Field(discriminator="kind")] | None = None
    realtime: Annotated[RelayUpstream | LocalEngine, Field(discriminator="kind")] | None = None

    def engines(self) -> dict[str, RemoteEngine | RelayUpstream | LocalEngine]:
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
             if isinstance(engine, _Keyed)}
    return entry.model_copy(update=keyed)


def _with_key(engine: _Keyed, section: str, where: _Where) -> _Keyed:
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
    roots = {name: name for name in known}  # the built-in profile each one descends from
    entries = sorted(parsed.profiles.items(), key=lambda item: item[0] not in known)
    for name, entry in entries:
        where = _Where(Path(path), name)
        if name in known and entry.base is not None:
            raise where.error("base", "only a new profile takes a base; this profile already exists")
        roots[name] = roots[name] if name in known else roots.get(entry.base or "", name)
        known[name] = _configure(name, entry, known, roots[name], pool, where)
        log.info("profile %s: %s", name, _summary(known[name]))
    return ProfileRegistry(list(known.values()), default=registry.default)


def _configure(name: str, entry: ProfileEntry, known: Mapping[str, Profile], root: str,
               pool: InferencePool | None, where: _Where) -> Profile:
    start = known.get(name) if name in known else _base(entry, known, where)
    if start is None:
        return _fresh(name, entry, pool, where)
    renderer = None if entry.instructions is not None else _renderer(root, start)
    llm = _llm_agent(name, entry.agent, renderer) if isinstance(entry.agent, RemoteAgent) else None
    tools = _tools(start.tools, entry.tools, pool, where)

    def configured(profile: Profile) -> Profile:
        """The file's choices over `profile` (also over each per-session variant, e.g. a practice scenario)."""
        return replace(profile, name=name, agent=llm or profile.agent, tools=tools,
                       description=_first(entry.description, profile.description),
                       instructions=_first(entry.instructions, profile.instructions),
                       language=_first(entry.language, profile.language), voice=_first(entry.voice, profile.voice),
                       options={**profile.options, **entry.options}, engines={**profile.engines, **entry.engines()},
                       variant=variant)

    base_variant = start.variant
    variant = (lambda options: configured(base_variant(options))) if base_variant else None
    return configured(start)


def _base(entry: ProfileEntry, known: Mapping[str, Profile], where: _Where) -> Profile | None:
    if entry.base is None:
        return None
    if entry.base not in known:
        raise where.error("base", f"no profile '{entry.base}' to inherit from; known: {', '.join(sorted(known))}")
    return known[entry.base]


def _fresh(name: str, entry: ProfileEntry, pool: InferencePool | None, where: _Where) -> Profile:
    if not isinstance(entry.agent, RemoteAgent):
        raise where.error("agent", 'a new profile needs an agent table with kind = "openai", or a base profile')
    if entry.instructions is None:
        raise where.error("instructions", "a new profile needs instructions, or a base profile")
    return Profile(name=name, description=entry.description or "", instructions=entry.instructions,
                   agent=_llm_agent(name, entry.agent, None), tools=_tools(ToolRegistry(), entry.tools, pool, where),
                   language=entry.language, voice=entry.voice or "alloy", options=dict(entry.options),
                   engines=entry.engines())


def _first(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def _llm_agent(name: str, config: RemoteAgent, renderer: InstructionRenderer | None) -> LLMAgent:
    return LLMAgent(config.endpoint(), config.model, name=f"{name}:{config.model}",
                    history_token_budget=config.history_token_budget, temperature=config.temperature,
                    render_instructions=renderer, stream_usage=config.stream_usage, extra_body=config.extra_body)


def _renderer(root: str, profile: Profile) -> InstructionRenderer | None:
    if root != "practice":
        return None
    from talkline.profiles.practice import instructions_for

    default = profile.instructions

    def render(request: AgentRequest) -> str:
        if request.instructions.strip() and request.instructions != default:
            return request.instructions  # the session chose its own instructions
        return instructions_for(request.options, request.language)  # the scenario and persona of this call

    return render


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


def _summary(profile: Profile) -> str:
    parts = [f"agent {profile.agent.name}"]
    for section in ("stt", "tts"):
        engine = profile.engines.get(section)
        parts.append(f"{section} {engine.model} at {engine.endpoint().host}" if isinstance(engine, _RemoteEngine)
                     else f"{section} local")
    if isinstance(audio := profile.engines.get("audio_model"), RemoteAudioModel):
        parts.append(f"voice jobs on {audio.model} at {audio.endpoint().host}")
    if isinstance(relay := profile.engines.get("realtime"), RelayUpstream):
        parts.append(f"realtime relayed to {relay.model} at {relay.host} ({relay.dialect})")
    return ", ".join(parts)


# ── engines for a profile's pipeline ───────────────────────────────────────────────────────────


@dataclass(frozen=True)
class EngineChoice:
    """The engines a profile asks for; None means the process's local engine."""

    agent: Agent
    stt: RemoteSTT | None = None
    tts: RemoteTTS | None = None


def engine_overrides(profile: Profile) -> EngineChoice:
    stt, tts = profile.engines.get("stt"), profile.engines.get("tts")
    return EngineChoice(agent=profile.agent, stt=stt if isinstance(stt, RemoteSTT) else None,
                        tts=tts if isinstance(tts, RemoteTTS) else None)


def build_engines(choice: EngineChoice, local: Engines) -> tuple[SpeechToText, TextToSpeech, Agent]:
    """(stt, tts, agent) for a profile's pipeline. Remote engines open their own connection pools: build
    them once per profile and keep them."""
    stt: SpeechToText = OpenAISTT(choice.stt.endpoint(), choice.stt.model) if choice.stt else local.stt
    tts: TextToSpeech = local.tts
    if choice.tts is not None:
        tts = OpenAITTS(choice.tts.endpoint(), choice.tts.model, default_voice=choice.tts.voice,
                        voice_map=choice.tts.voices, sample_rate=choice.tts.sample_rate,
                        instructions=choice.tts.instructions)
    return stt, tts, choice.agent



def audio_model(profile: Profile) -> RemoteAudioModel | None:
    """The chat-completions audio model the profile's voice jobs run on, if it names one."""
    engine = profile.engines.get("audio_model")
    return engine if isinstance(engine, RemoteAudioModel) else None


def relay_upstream(profile: Profile) -> RelayUpstream | None:
    """The upstream Realtime service the profile's sessions are relayed to, if it names one."""
    engine = profile.engines.get("realtime")
    return engine if isinstance(engine, RelayUpstream) else None
