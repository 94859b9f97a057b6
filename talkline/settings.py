"""Server settings, read from `TALKLINE_*` environment variables (and an optional `.env`)."""

from __future__ import annotations

import ipaddress
import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "talkline"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALKLINE_", env_file=".env", extra="ignore")

    # network
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None

    # auth: comma-separated server keys; empty means anonymous loopback-only mode
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    secret_mint_per_minute: int = 30
    demo_token_route: bool | None = None  # None: on in loopback dev mode only

    # storage: embedded SQLite by default; URLs switch to the distributed backends
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None  # e.g. postgresql+asyncpg://localhost/talkline
    redis_url: str | None = None  # events, client secrets, rate limits
    broker_url: str | None = None  # amqp://guest:guest@localhost/ for jobs

    # capacity
    inference_workers: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))
    max_sessions: int = 8
    session_max_seconds: int = 3600

    # engines
    engines: Literal["local", "fake"] = "local"  # fake: deterministic, model-free speech engines (tests)
    warm_up: bool = True  # load the applications' own models (eco's index) at start, not at the first question
    profiles_file: Path | None = None
    # a CTranslate2 whisper folder to use instead of the bundled whisper-base (not hash-pinned; must hold
    # model.bin, config.json, tokenizer.json and vocabulary.json)
    stt_model_dir: Path | None = None
    stt_beam_size: int = 1
    default_profile: str | None = None  # None: the first profile of the first application (by name)

    # turn-taking defaults (server_vad); clients may override per session
    vad_threshold: float = 0.5
    vad_prefix_padding_ms: int = 300
    vad_silence_duration_ms: int = 500
    interrupt_min_speech_ms: int = 600  # Piper and espeak backchannels measured 320-480 ms of speech
    early_transcription: bool = True  # transcribe at the first pause, before the silence timeout ends the turn
    speculative_replies: bool = True  # prepare the reply at that pause, shown only if the turn ends there
    audio_lead_ms: int = 1500  # how far reply audio may run ahead of the client's playback

    # voice jobs
    voice_jobs_enabled: bool = True
    upload_max_bytes: int = 25 * 1024 * 1024
    upload_max_seconds: float = 300.0
    job_timeout_seconds: float = 180.0
    job_max_retries: int = 2
    event_retention_seconds: int = 24 * 3600
    sse_keepalive_seconds: float = 15.0
    jobs_name_prefix: str = ""  # prefixes queue names, Redis keys and SQLite files (shared brokers, tests)
    job_lease_seconds: float = 30.0  # embedded queue: a job whose worker died is retaken after this
    broker_publish_timeout_seconds: float = 30.0  # a submission waits this long for RabbitMQ (restarts), then 503
    worker_concurrency: int | None = None  # jobs per worker process; default: inference_workers

    # limits (README, "Limits and guarantees")
    json_body_max_bytes: int = 1024 * 1024  # a JSON request body; chat completions add room for base64 audio
    message_max_chars: int = 8000  # one message's text on every surface (chat, completions, Realtime items)
    conversation_max_chars: int = 64000  # all the text of one conversation the agent is given
    instructions_max_chars: int = 16000  # instructions: system messages, session and client-secret instructions
    input_audio_buffer_max_seconds: float = 300.0  # audio appended and not yet committed (manual turn mode)
    turn_max_seconds: float = 120.0  # the agent's budget for one turn; the response fails after it
    shutdown_grace_seconds: float = 5.0  # on SIGTERM: running work is cancelled after this, jobs requeued

    log_level: str = "INFO"
    log_json: bool = False

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @cached_property
    def anonymous(self) -> bool:
        """No server key configured: loopback-only development mode."""
        return not self.api_keys

    @cached_property
    def host_is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def demo_tokens_enabled(self) -> bool:
        if self.demo_token_route is not None:
            return self.demo_token_route
        return self.anonymous

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "talkline.db"

    def server_key_matches(self, candidate: str) -> bool:
        import hmac

        # compared as UTF-8 bytes: compare_digest refuses str with non-ASCII characters (a TypeError, not a "no")
        given = candidate.encode("utf-8", "surrogatepass")
        return any(hmac.compare_digest(given, key.get_secret_value().encode("utf-8", "surrogatepass"))
                   for key in self.api_keys)
