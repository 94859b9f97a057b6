"""The OpenAI-compatible REST surface in one router: chat completions, transcriptions, speech."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter

from talkline.auth.identity import Caller
from talkline.pipeline import Pipeline
from talkline.profiles.base import ProfileRegistry
from talkline.rest.chat import chat_router
from talkline.rest.services import RestServices
from talkline.rest.speech import speech_router
from talkline.rest.transcriptions import transcriptions_router
from talkline.settings import Settings


def rest_router(pipeline: Callable[[str | None], Pipeline | None], profiles: ProfileRegistry,
                caller_dep: Callable[..., Awaitable[Caller]], settings: Settings) -> APIRouter:
    """`pipeline(model)` is called per request: the profile's pipeline, or None while the models load (503;
    talkline.runtime.Runtime.loaded_pipeline); `caller_dep` is the FastAPI dependency that authenticates the
    caller (talkline.auth.http.caller_dependency)."""
    services = RestServices(pipelines=pipeline, profiles=profiles, settings=settings)
    router = APIRouter()
    router.include_router(chat_router(services, caller_dep))
    router.include_router(transcriptions_router(services, caller_dep))
    router.include_router(speech_router(services, caller_dep))
    return router
