"""The composition root: builds the process-wide parts (pool, engines, profiles, stores, auth) once.

The server and the worker both start from a Runtime; nothing below it constructs its own copies.
Profiles come with the built-in ones, changed and extended by `settings.profiles_file`; a profile
that names remote engines gets its own Pipeline (built once, with its own connection pools), the
others share the one local Pipeline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from talkline.auth.identity import Authenticator
from talkline.auth.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from talkline.auth.secrets import MemorySecretStore, RedisSecretStore, SecretStore
from talkline.engines.base import Engines
from talkline.engines.pool import InferencePool
from talkline.jobs.backends import Backends, create_backends
from talkline.jobs.runner import in_process_worker
from talkline.jobs.turn_handler import TurnJobHandler
from talkline.limits import TextLimits
from talkline.pipeline import Pipeline
from talkline.profiles.applications import Application, installed_applications
from talkline.profiles.base import Profile, ProfileRegistry
from talkline.profiles.registry import load_profiles
from talkline.realtime.admission import Admission
from talkline.realtime.session import RealtimeServices
from talkline.settings import Settings
from talkline.store import Store, create_store
from talkline.store.store import store_url

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
    store: Store  # created with the runtime; its tables are made when the services start
    applications: list[Application] = field(default_factory=list)
    redis: Redis | None = None
    engines: Engines | None = None  # the shared speech engines, once loaded
    pipeline: Pipeline | None = None  # the local engines' pipeline
    backends: Backends | None = None
    profile_pipelines: dict[str, Pipeline] = field(default_factory=dict)  # profiles with engines of their own

    @classmethod
    def create(cls, settings: Settings, *, engines: Engines | None = None) -> Runtime:
        """Raises ProfilesFileError when `settings.profiles_file` cannot be used. `engines`: speech engines
        already loaded (tests share one set between servers), else `settings.engines` chooses them."""
        pool = InferencePool(settings.inference_workers)
        applications = installed_applications()
        profiles = load_profiles(pool, default=settings.default_profile, profiles_file=settings.profiles_file,
                                 applications=applications)
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        secrets: SecretStore = RedisSecretStore(redis) if redis else MemorySecretStore()
        limiter: RateLimiter = (RedisRateLimiter(redis, settings.secret_mint_per_minute) if redis
                                else MemoryRateLimiter(settings.secret_mint_per_minute))
        return cls(settings=settings, pool=pool, profiles=profiles, applications=applications,
                   secrets=secrets, mint_limiter=limiter, authenticator=Authenticator(settings, secrets),
                   admission=Admission(settings.max_sessions), redis=redis,
                   store=create_store(store_url(settings)), engines=engines)

    async def load_engines(self) -> None:
        if self.engines is None:
            self.engines = await self._shared_engines()
        shared = self.engines
        for profile in self.profiles:
            choice = profile.engines
            if choice.own_speech_engines:  # built once: remote engines keep their connection pools
                audio_model = choice.speech_to_speech
                self.profile_pipelines[profile.name] = Pipeline(
                    stt=choice.speech_to_text(shared), tts=choice.text_to_speech(shared),
                    audio_model=audio_model.build(profile.name) if audio_model else None, **self._bounds())
        self.pipeline = Pipeline(stt=shared.stt, tts=shared.tts, **self._bounds())

    def _bounds(self) -> dict[str, Any]:
        return {"limits": TextLimits.of(self.settings), "turn_max_seconds": self.settings.turn_max_seconds}

    async def _shared_engines(self) -> Engines:
        if self.settings.engines == "fake":
            from talkline.engines.fake import fake_engines

            return fake_engines()
        from talkline.engines.local import load_local_engines

        return await load_local_engines(self.settings.data_dir, self.pool, settings=self.settings)

    @property
    def ready(self) -> bool:
        return self.pipeline is not None

    def current_pipeline(self) -> Pipeline:
        if self.pipeline is None:
            raise NotReady("models are still loading")
        return self.pipeline

    def pipeline_for(self, profile: str | None) -> Pipeline:
        """The pipeline of a profile (by name): its own if it names remote engines, else the local one.
        A name that is no profile (a REST `model` such as "whisper-1") gets the local pipeline."""
        local = self.current_pipeline()
        return self.profile_pipelines.get(profile or "", local)

    def loaded_pipeline(self, profile: str | None = None) -> Pipeline | None:
        """`pipeline_for`, or None while the models are still loading (the REST surface answers 503)."""
        return self.pipeline_for(profile) if self.ready else None

    def job_backends(self) -> Backends:
        if self.backends is None:
            raise NotReady("the job backends are not open yet")
        return self.backends

    def job_handler(self) -> TurnJobHandler:
        return TurnJobHandler(pipeline=self.pipeline_for, profiles=self.profiles, history=self.store.sessions,
                              pool=self.pool)

    @asynccontextmanager
    async def services(self) -> AsyncIterator[None]:
        """Models, the store and the job backends: what both the server and a worker need."""
        await self.load_engines()
        if self.settings.warm_up:
            await asyncio.gather(*(profile.warm_up() for profile in self.profiles if profile.warm_up))
        await self.store.start()
        self.backends = create_backends(self.settings)
        try:
            yield
        finally:
            await self.backends.close()
            await self.store.close()

    def realtime_services(self, profile: Profile) -> RealtimeServices:
        """What a Realtime session of `profile` runs on (its pipeline; relayed sessions use settings and store)."""
        if self.engines is None:
            raise NotReady("models are still loading")
        return RealtimeServices(settings=self.settings, pipeline=self.pipeline_for(profile.name),
                                vad=profile.engines.voice_activity(self.engines), turn_model=self.engines.turn,
                                store=self.store)

    @asynccontextmanager
    async def lifespan(self, _: Any = None) -> AsyncIterator[None]:
        """The server: shared services, plus in-process job workers unless a broker hands jobs to `talkline worker`."""
        try:
            async with AsyncExitStack() as stack:
                await stack.enter_async_context(self.services())
                if not self.settings.broker_url:
                    await stack.enter_async_context(in_process_worker(self.job_backends(), self.job_handler(),
                                                                      self.settings))
                log.info("ready: %d inference workers, %d sessions max, profiles %s, jobs on %s",
                         self.pool.workers, self.settings.max_sessions, ", ".join(self.profiles.names()),
                         "RabbitMQ workers" if self.settings.broker_url else "this process")
                yield
        finally:  # after the worker stopped: its jobs still use the pool until they are handed back
            if self.redis is not None:
                await self.redis.aclose()
            self.pool.shutdown()
