"""Short-lived client secrets (`ek_…`): minted with a server key, bound to the session they carry.

Only a SHA-256 of each secret is stored, so a leaked store reveals no usable secret. In Redis the
record expires with the secret, so any replica can check it and none has to clean up.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from redis.asyncio import Redis

SECRET_PREFIX = "ek_"
MIN_TTL_S, MAX_TTL_S, DEFAULT_TTL_S = 10, 7200, 600
BETA_DEFAULT_TTL_S = 60


@dataclass(frozen=True, slots=True)
class SecretRecord:
    owner: str  # the identity jobs and history are filed under
    session: dict[str, Any]  # the GA session the secret was minted for
    expires_at: int
    options: dict[str, Any] = field(default_factory=dict)  # profile options (scenario, persona…)
    created_at: int = field(default_factory=lambda: int(time.time()))

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SecretStore(Protocol):
    async def put(self, secret: str, record: SecretRecord) -> None: ...

    async def get(self, secret: str) -> SecretRecord | None: ...


class MemorySecretStore:
    """Embedded mode: one process serves every connection."""

    def __init__(self) -> None:
        self._records: dict[str, SecretRecord] = {}

    async def put(self, secret: str, record: SecretRecord) -> None:
        now = time.time()
        self._records = {k: r for k, r in self._records.items() if r.expires_at > now}
        self._records[fingerprint(secret)] = record

    async def get(self, secret: str) -> SecretRecord | None:
        return self._records.get(fingerprint(secret))


class RedisSecretStore:
    """Distributed mode: any replica resolves any secret; records vanish when they expire."""

    def __init__(self, redis: Redis, prefix: str = "talkline:secret:") -> None:
        self.redis, self.prefix = redis, prefix

    async def put(self, secret: str, record: SecretRecord) -> None:
        ttl = max(1, record.expires_at - int(time.time()))
        # kept a minute past expiry so a late client is told "expired", not "invalid"
        await self.redis.set(self.prefix + fingerprint(secret), json.dumps(asdict(record)), ex=ttl + 60)

    async def get(self, secret: str) -> SecretRecord | None:
        raw = await self.redis.get(self.prefix + fingerprint(secret))
        return SecretRecord(**json.loads(raw)) if raw else None
