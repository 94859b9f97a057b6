"""One OpenAI-compatible HTTP endpoint (OpenAI, Ollama, vLLM, llama.cpp's server…) and its typed failures.

The official `openai` SDK does the HTTP work: it retries connection failures, 408, 409, 429 and 5xx
with exponential backoff (honouring `retry-after`), and applies the timeouts. What it raises is
turned into an EngineError whose `code` says what went wrong, with the key never in the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx2
import openai
from pydantic import SecretStr

from talkline.engines.base import EngineError

DEFAULT_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 5.0
NO_KEY = "no-key"  # local servers need no key, but the SDK insists on sending one
OPENAI_HOST = "api.openai.com"

Service = Literal["llm", "stt", "tts"]
_LABELS: dict[Service, str] = {"llm": "the LLM endpoint", "stt": "the speech-to-text endpoint",
                               "tts": "the text-to-speech endpoint"}
# the SDK wraps errors of the request itself; errors while reading a streamed body come from its transport
REMOTE_FAILURES = (openai.APIError, httpx2.HTTPError)


@dataclass(frozen=True)
class OpenAIEndpoint:
    """Where an OpenAI-compatible API lives and how patiently to talk to it."""

    base_url: str | None = None  # e.g. "http://localhost:11434/v1"; None is OpenAI's own
    api_key: SecretStr | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S  # per request, and between two chunks of a streamed answer
    max_retries: int = 2

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc if self.base_url else OPENAI_HOST

    def client(self) -> openai.AsyncOpenAI:
        """A client with its own connection pool; make one per engine and keep it."""
        key = self.api_key.get_secret_value() if self.api_key else NO_KEY
        timeout = openai.Timeout(self.timeout_s, connect=min(self.timeout_s, CONNECT_TIMEOUT_S))
        return openai.AsyncOpenAI(base_url=self.base_url, api_key=key, timeout=timeout,
                                  max_retries=self.max_retries)

    def error(self, failure: Exception, service: Service) -> EngineError:
        """The typed EngineError for a failed call: `<service>_timeout`, `_unreachable` or `_error`."""
        label = f"{_LABELS[service]} at {self.host}"
        if isinstance(failure, openai.APITimeoutError | httpx2.TimeoutException):
            code, message = "timeout", f"{label} did not answer within {self.timeout_s:g} s"
        elif isinstance(failure, openai.APIConnectionError | httpx2.TransportError):
            code, message = "unreachable", f"cannot reach {label}: {failure.__class__.__name__}"
        elif isinstance(failure, openai.APIStatusError):
            code, message = "error", f"{label} answered HTTP {failure.status_code}: {_detail(failure)}"
        else:
            code, message = "error", f"{label} failed: {_detail(failure)}"
        return EngineError(self._redact(message), f"{service}_{code}")

    def _redact(self, text: str) -> str:
        key = self.api_key.get_secret_value() if self.api_key else ""
        return text.replace(key, "***") if key else text


def _detail(failure: Exception) -> str:
    body = getattr(failure, "body", None)
    if isinstance(body, dict):
        nested = body.get("error")
        message = nested.get("message") if isinstance(nested, dict) else body.get("message")
        if isinstance(message, str) and message:
            return message[:300]
    return (getattr(failure, "message", None) or str(failure) or failure.__class__.__name__)[:300]
