"""Who is calling: a server key, a client secret (bound to a session), or anonymous loopback."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from talkline.auth.secrets import SECRET_PREFIX, SecretRecord, SecretStore
from talkline.settings import Settings

CallerKind = Literal["server_key", "client_secret", "anonymous"]


@dataclass(frozen=True, slots=True)
class Caller:
    kind: CallerKind
    owner: str
    bound_session: dict[str, Any] | None = None  # the session a client secret was minted for
    options: dict[str, Any] = field(default_factory=dict)  # profile options the secret fixes

    @property
    def may_mint(self) -> bool:
        return self.kind != "client_secret"

    @property
    def bound_profile(self) -> str | None:
        return (self.bound_session or {}).get("model")

    def profile_for(self, requested: str | None, profiles: Collection[str]) -> str | None:
        """The one rule of client secrets on every surface: the secret fixes the profile it was minted for.
        A request naming another profile is refused; one naming none, or a name that is no profile (an
        engine name such as `whisper-1`), gets the secret's profile."""
        bound = self.bound_profile
        if not bound:
            return requested
        if requested and requested != bound and requested in profiles:
            raise AuthError("profile_not_allowed", f"this client secret was minted for profile '{bound}', "
                            f"not '{requested}'", status=403)
        return bound

    def options_for(self, requested: Mapping[str, str]) -> dict[str, str]:
        """Profile options: the secret's win over the request's (a secret minted for one scenario keeps it)."""
        return {**requested, **self.options}


class AuthError(Exception):
    def __init__(self, code: str, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def key_owner(key: str) -> str:
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def is_loopback(host: str | None) -> bool:
    if host in (None, "testclient", "localhost"):
        return host is not None
    try:
        return ipaddress.ip_address(host).is_loopback  # type: ignore[arg-type]
    except ValueError:
        return False


class Authenticator:
    def __init__(self, settings: Settings, secrets: SecretStore) -> None:
        self.settings = settings
        self.secrets = secrets

    async def authenticate(self, key: str | None, client_host: str | None) -> Caller:
        if key and key.startswith(SECRET_PREFIX):
            return self._from_secret(await self.secrets.get(key))
        if key and self.settings.server_key_matches(key):
            return Caller("server_key", key_owner(key))
        if self.settings.anonymous:
            if not is_loopback(client_host):
                raise AuthError("forbidden", "anonymous access is only allowed from loopback", status=403)
            return Caller("anonymous", "anonymous")
        if not key:
            raise AuthError("missing_api_key", "no API key: send 'Authorization: Bearer <key>'")
        raise AuthError("invalid_api_key", "invalid API key")

    @staticmethod
    def _from_secret(record: SecretRecord | None) -> Caller:
        if record is None:
            raise AuthError("invalid_api_key", "unknown client secret")
        if record.expired:
            raise AuthError("client_secret_expired", "the client secret has expired; mint a new one")
        return Caller("client_secret", record.owner, bound_session=record.session, options=record.options)
