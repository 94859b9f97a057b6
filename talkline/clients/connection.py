"""Where the server is and how to authenticate, shared by the terminal clients."""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS_KEY = "anonymous"  # what the SDK sends when no key is given: a loopback anonymous server ignores it


@dataclass(frozen=True)
class ServerAddress:
    url: str  # http(s)://host:port, no path
    api_key: str | None = None

    @classmethod
    def of(cls, url: str, api_key: str | None) -> ServerAddress:
        url = url.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"the server URL must start with http:// or https://, got '{url}'")
        return cls(url.removesuffix("/v1"), api_key or None)

    @property
    def api_base(self) -> str:
        return self.url + "/v1"

    @property
    def websocket_base(self) -> str:
        return "ws" + self.url.removeprefix("http") + "/v1"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
