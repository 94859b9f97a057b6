"""What the REST endpoints share: the pipeline (once models are loaded), profiles, settings, limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from talkline.auth.identity import AuthError, Caller
from talkline.http_errors import ApiError
from talkline.pipeline import Pipeline
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile
from talkline.rest.audio_input import AudioInput
from talkline.rest.audio_replies import AudioReplyStore
from talkline.settings import Settings


@dataclass(frozen=True)
class RestServices:
    # the pipeline for a profile name (a profile with remote engines has its own; other names get the
    # local one); None while the models are still loading
    pipelines: Callable[[str | None], Pipeline | None]
    profiles: ProfileRegistry
    settings: Settings
    replies: AudioReplyStore = field(default_factory=AudioReplyStore)

    @cached_property
    def audio_input(self) -> AudioInput:
        return AudioInput(self.settings)

    def pipeline(self, model: str | None = None) -> Pipeline:
        """The pipeline for a request naming `model` (a profile gets its own engines)."""
        pipeline = self.pipelines(model)
        if pipeline is None:
            raise ApiError(503, "the models are still loading; try again shortly", code="not_ready",
                           headers={"Retry-After": "5"})
        return pipeline

    def bound_model(self, model: str, caller: Caller) -> str:
        """The model a request runs on: a client secret's profile (talkline.auth.identity.Caller.profile_for)."""
        try:
            return caller.profile_for(model, self.profiles.names()) or model
        except AuthError as exc:
            raise ApiError(exc.status, exc.message, code=exc.code, param="model") from None

    def profile(self, model: str) -> Profile:
        try:
            return self.profiles.get(model)
        except UnknownProfile as exc:
            raise ApiError(404, f"The model '{model}' does not exist; available models: "
                           f"{', '.join(exc.available)}", code="model_not_found", param="model") from None
