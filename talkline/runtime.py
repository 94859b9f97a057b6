"""The composition root: builds the process-wide parts (pool, engines, profiles, stores, auth) once.

The server and the worker both start from a Runtime; nothing below it constructs its own copies.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from talkline.auth.identity import Authenticator
from talkline.auth.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from talkline.auth.secrets import MemorySecretStore, RedisSecretStore, SecretStore
from talkline.engines.pool import InferencePool
from talkline.pipeline import Pipeline
from talkline.profiles.base import ProfileRegistry
from talkline.profiles.registry import builtin_profiles
from talkline.realtime.admission import Admission
from talkline.realtime.session import RealtimeServices
from talkline.settings import Settings

log = logging.getLogger(__name__)


class NotReady(RuntimeError):
    pass


@dataclass
class Runtime:
    settings: Settings
    pool: InferencePool
    profiles: ProfileRegistry
    secrets: SecretStore
    mint_limiter: RateLimiter
    authenticator: Authenticator
    admission: Admission
    redis: Redis | None = None
    engines: Any = None  # talkline.engines.local.Engines once loaded
    pipeline: Pipeline | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> Runtime:
        pool = InferencePool(settings.inference_workers)
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        secrets: SecretStore = RedisSecretStore(redis) if redis else MemorySecretStore()
        limiter: RateLimiter = (RedisRateLimiter(redis, settings.secret_mint_per_minute) if redis
                                else MemoryRateLimiter(settings.secret_mint_per_minute))
        return cls(settings=settings, pool=pool, profiles=builtin_profiles(pool, settings.default_profile),
                   secrets=secrets, mint_limiter=limiter, authenticator=Authenticator(settings, secrets),
                   admission=Admission(settings.max_sessions), redis=redis)

    async def load_engines(self) -> None:
        from talkline.engines.local import load_local_engines

        self.engines = await asyncio.to_thread(load_local_engines, self.settings.data_dir, self.pool)
        self.pipeline = Pipeline(stt=self.engines.stt, tts=self.engines.tts)

    @property
    def ready(self) -> bool:
        return self.pipeline is not None

    def realtime_services(self) -> RealtimeServices:
        if self.pipeline is None:
            raise NotReady("models are still loading")
        return RealtimeServices(settings=self.settings, pipeline=self.pipeline, vad=self.engines.vad)

    @asynccontextmanager
    async def lifespan(self, _: Any = None) -> AsyncIterator[None]:
        await self.load_engines()
        log.info("models loaded; %d inference workers, %d sessions max, profiles: %s", self.pool.workers,
                 self.settings.max_sessions, ", ".join(self.profiles.names()))
        try:
            yield
        finally:
            if self.redis is not None:
                await self.redis.aclose()
            self.pool.shutdown()
