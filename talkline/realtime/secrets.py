"""Minting client secrets: `POST /v1/realtime/client_secrets` (GA) and `POST /v1/realtime/sessions` (beta).

The app's backend calls these with its server key; the phone or browser only ever sees the `ek_…`
value, which expires and carries the session it was minted for.
"""


import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from talkline.auth.identity import Caller
from talkline.auth.ratelimit import RateLimiter
from talkline.auth.secrets import (
    BETA_DEFAULT_TTL_S,
    DEFAULT_TTL_S,
    MAX_TTL_S,
    MIN_TTL_S,
    SecretRecord,
    SecretStore,
    fingerprint,
    new_secret,
)
from talkline.http_errors import ApiError
from talkline.profiles.base import ProfileRegistry, UnknownProfile
from talkline.protocol.realtime import ProtocolError, beta_session_to_ga, dump, ga_session_to_beta
from talkline.protocol.realtime.session import Session
from talkline.realtime.session import initial_session
from talkline.settings import Settings


class ExpiresAfter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anchor: Literal["created_at"] = "created_at"
    seconds: Annotated[int, Field(ge=MIN_TTL_S, le=MAX_TTL_S)] = DEFAULT_TTL_S


class TalklineOptions(BaseModel):
    """Talkline's extension: whose secret it is (files jobs and history under them) and profile options."""

    model_config = ConfigDict(extra="forbid")

    user: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\w.@:-]+$")] | None = None
    options: dict[str, str] = Field(default_factory=dict)


class ClientSecretRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_after: ExpiresAfter = Field(default_factory=ExpiresAfter)
    session: dict[str, Any] = Field(default_factory=lambda: {"type": "realtime"})
    talkline: TalklineOptions = Field(default_factory=TalklineOptions)


class BetaClientSecretOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_after: ExpiresAfter = Field(default_factory=lambda: ExpiresAfter(seconds=BETA_DEFAULT_TTL_S))


class SecretMinter:
    def __init__(self, settings: Settings, profiles: ProfileRegistry, store: SecretStore, limiter: RateLimiter) -> None:
        self.settings, self.profiles, self.store, self.limiter = settings, profiles, store, limiter

    async def mint(self, caller: Caller, requested: dict[str, Any], ttl_s: int, extension: TalklineOptions
                   ) -> tuple[str, int, Session]:
        if not caller.may_mint:
            raise ApiError(403, "a client secret cannot mint other client secrets; use a server key",
                           code="forbidden")
        if not await self.limiter.allow(caller.owner):
            raise ApiError(429, f"too many client secrets minted; the limit is "
                           f"{self.settings.secret_mint_per_minute} per minute per key", code="rate_limit_exceeded",
                           type="rate_limit_error", headers={"Retry-After": "60"})
        try:
            profile = self.profiles.get(requested.get("model"))
        except UnknownProfile as exc:
            raise ApiError(400, str(exc), code="model_not_found", param="session.model") from None
        bound = {**requested, "model": profile.name}
        owner_caller = Caller("client_secret", caller.owner, bound_session=bound)
        try:
            session = initial_session(profile, self.settings, owner_caller)
        except ProtocolError as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        secret = new_secret()
        expires_at = int(time.time()) + ttl_s
        owner = f"{caller.owner}/{extension.user}" if extension.user else f"{caller.owner}/ek_{fingerprint(secret)[:12]}"
        await self.store.put(secret, SecretRecord(owner=owner, session=bound, expires_at=expires_at,
                                                  options=extension.options))
        session.expires_at = expires_at
        return secret, expires_at, session


def secrets_router(minter: SecretMinter, caller: Callable[..., Awaitable[Caller]]) -> APIRouter:
    router = APIRouter()

    @router.post("/v1/realtime/client_secrets")
    async def client_secrets(body: ClientSecretRequest, who: Annotated[Caller, Depends(caller)]) -> dict[str, Any]:
        requested = {"type": "realtime", **body.session}
        secret, expires_at, session = await minter.mint(who, requested, body.expires_after.seconds, body.talkline)
        return {"value": secret, "expires_at": expires_at, "session": dump(session)}

    @router.post("/v1/realtime/sessions")
    async def beta_sessions(body: dict[str, Any], who: Annotated[Caller, Depends(caller)]) -> dict[str, Any]:
        options = BetaClientSecretOptions.model_validate(body.get("client_secret") or {})
        flat = {k: v for k, v in body.items() if k not in ("client_secret", "talkline")}
        extension = TalklineOptions.model_validate(body.get("talkline") or {})
        try:
            requested = beta_session_to_ga(flat)
        except ProtocolError as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        secret, expires_at, session = await minter.mint(who, requested, options.expires_after.seconds, extension)
        return {**ga_session_to_beta(dump(session)), "client_secret": {"value": secret, "expires_at": expires_at}}

    return router
