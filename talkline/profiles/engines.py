"""A profile's engine choice, typed: for each stage (VAD, STT, TTS, agent, speech-to-speech model, relay)
one pydantic model per kind, told apart by `kind`.

    local   the process's own engine (offline by default; the profile's own agent)
    fake    deterministic and model-free (talkline/engines/fake/), for tests
    openai  any OpenAI-compatible server, chosen by `base_url`
    relay   (realtime only) sessions relayed to an upstream Realtime service

The profiles file (config.py) parses into these; the runtime builds engines from them. Keys are held
as SecretStr, read from the environment variable `api_key_env` names, never logged, dumped or shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)

from talkline.agent.llm import DEFAULT_HISTORY_TOKENS, InstructionRenderer, LLMAgent
from talkline.engines.base import Engines, SpeechToText, TextToSpeech, VoiceActivityDetector
from talkline.engines.remote import OpenAIEndpoint, OpenAISTT, OpenAITTS
from talkline.engines.remote.endpoint import DEFAULT_TIMEOUT_S
from talkline.engines.remote.openai_tts import PCM_RATE

if TYPE_CHECKING:
    from talkline.agent.audio_llm import AudioLLMAgent

OPENAI_KEY_ENV = "OPENAI_API_KEY"
OPENAI_REALTIME_URL = "wss://api.openai.com/v1/realtime"
ENGINE_KINDS = ("local", "fake", "openai", "relay")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalEngine(_Strict):
    kind: Literal["local"] = "local"


class FakeEngine(_Strict):
    kind: Literal["fake"] = "fake"


class FakeTTSEngine(FakeEngine):
    pace: float = Field(default=0.0, ge=0)  # seconds spent per second of speech, as a real TTS takes time


LOCAL = LocalEngine()


class KeyedEngine(_Strict):
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


class RemoteEngine(KeyedEngine):
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


class RemoteAgent(RemoteEngine):
    model: str
    history_token_budget: PositiveInt = DEFAULT_HISTORY_TOKENS
    temperature: float | None = Field(default=None, ge=0, le=2)
    stream_usage: bool = True  # set false for servers that reject `stream_options`
    extra_body: dict[str, Any] = Field(default_factory=dict)  # vendor options, sent as they are

    def build(self, profile: str, render_instructions: InstructionRenderer | None) -> LLMAgent:
        return LLMAgent(self.endpoint(), self.model, name=f"{profile}:{self.model}",
                        history_token_budget=self.history_token_budget, temperature=self.temperature,
                        render_instructions=render_instructions, stream_usage=self.stream_usage,
                        extra_body=self.extra_body)


class RemoteSTT(RemoteEngine):
    model: str = "whisper-1"

    def build(self) -> OpenAISTT:
        return OpenAISTT(self.endpoint(), self.model)


class RemoteTTS(RemoteEngine):
    model: str = "tts-1"
    voice: str = "alloy"  # when the session names none
    voices: dict[str, str] = Field(default_factory=dict)  # Talkline voice -> the provider's voice
    sample_rate: PositiveInt = PCM_RATE
    instructions: str | None = None  # for models that take speaking instructions (gpt-4o-mini-tts)

    def build(self) -> OpenAITTS:
        return OpenAITTS(self.endpoint(), self.model, default_voice=self.voice, voice_map=self.voices,
                         sample_rate=self.sample_rate, instructions=self.instructions)


class RemoteAudioModel(RemoteEngine):
    """A chat-completions audio model (gpt-audio): voice jobs send the recorded audio and get speech back."""

    model: str = "gpt-audio"
    voice: str = "alloy"  # when the job names none
    voices: dict[str, str] = Field(default_factory=dict)  # Talkline voice -> the provider's voice

    def build(self, profile: str) -> AudioLLMAgent:
        from talkline.agent.audio_llm import AudioLLMAgent

        return AudioLLMAgent(self.endpoint(), self.model, default_voice=self.voice, voice_map=self.voices,
                             name=f"{profile}:{self.model}")


class RelayUpstream(KeyedEngine):
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
    # where the profile's server tools run: "gateway" (offered upstream as functions, answered here) or
    # "upstream" (a Talkline that serves the same profile runs its own); None: "upstream" when `model` names
    # this profile itself, else "gateway"
    tools: Literal["gateway", "upstream"] | None = None

    def tools_run_upstream(self, profile: str) -> bool:
        return self.tools == "upstream" or (self.tools is None and self.model == profile)

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


VadChoice = Annotated[LocalEngine | FakeEngine, Field(discriminator="kind")]
SttChoice = Annotated[LocalEngine | FakeEngine | RemoteSTT, Field(discriminator="kind")]
TtsChoice = Annotated[LocalEngine | FakeTTSEngine | RemoteTTS, Field(discriminator="kind")]
AgentChoice = Annotated[LocalEngine | FakeEngine | RemoteAgent, Field(discriminator="kind")]
AudioModelChoice = Annotated[LocalEngine | RemoteAudioModel, Field(discriminator="kind")]
RealtimeChoice = Annotated[LocalEngine | RelayUpstream, Field(discriminator="kind")]


class EngineChoice(_Strict):
    """What each stage of a profile runs on. `local` everywhere: the process's shared engines."""

    vad: VadChoice = LOCAL
    stt: SttChoice = LOCAL
    tts: TtsChoice = LOCAL
    agent: AgentChoice = LOCAL  # local: the profile's own agent
    audio_model: AudioModelChoice = LOCAL  # local: voice jobs run the cascade
    realtime: RealtimeChoice = LOCAL  # local: sessions are served here

    @property
    def relay(self) -> RelayUpstream | None:
        """The upstream Realtime service the profile's sessions are relayed to, if any."""
        return self.realtime if isinstance(self.realtime, RelayUpstream) else None

    @property
    def speech_to_speech(self) -> RemoteAudioModel | None:
        """The chat-completions audio model the profile's voice jobs run on, if any."""
        return self.audio_model if isinstance(self.audio_model, RemoteAudioModel) else None

    @property
    def own_speech_engines(self) -> bool:
        """Whether the profile's turns need engines of their own (remote or fake STT/TTS, an audio model)."""
        return not (isinstance(self.stt, LocalEngine) and isinstance(self.tts, LocalEngine)
                    and self.speech_to_speech is None)

    def speech_to_text(self, shared: Engines) -> SpeechToText:
        if isinstance(self.stt, RemoteSTT):
            return self.stt.build()
        return _fake().stt if isinstance(self.stt, FakeEngine) else shared.stt

    def text_to_speech(self, shared: Engines) -> TextToSpeech:
        if isinstance(self.tts, RemoteTTS):
            return self.tts.build()
        if isinstance(self.tts, FakeTTSEngine):
            from talkline.engines.fake import FakeTTS

            return FakeTTS(pace=self.tts.pace)
        return shared.tts

    def voice_activity(self, shared: Engines) -> VoiceActivityDetector:
        return _fake().vad if isinstance(self.vad, FakeEngine) else shared.vad

    def summary(self, agent_name: str) -> str:
        parts = [f"agent {agent_name}"]
        for section in ("stt", "tts"):
            engine = getattr(self, section)
            parts.append(f"{section} {engine.model} at {engine.endpoint().host}" if isinstance(engine, RemoteEngine)
                         else f"{section} {engine.kind}")
        if (audio := self.speech_to_speech) is not None:
            parts.append(f"voice jobs on {audio.model} at {audio.endpoint().host}")
        if (relay := self.relay) is not None:
            parts.append(f"realtime relayed to {relay.model} at {relay.host} ({relay.dialect})")
        return ", ".join(parts)


def _fake() -> Engines:
    from talkline.engines.fake import fake_engines

    return fake_engines()
