"""Minting client secrets: `POST /v1/realtime/client_secrets` (GA) and `POST /v1/realtime/sessions` (beta).

The app's backend calls these with its server key; the phone or browser only ever sees the `ek_…`
value, which expires and carries the session it was minted for.

`POST /v1/demo/client_secret` is the call page's own token route: the server mints for itself, so no
server key ever reaches a browser. It is on only when `settings.demo_tokens_enabled`.
"""


import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from talkline.auth.identity import Caller, is_loopback
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
from talkline.limits import TextLimits, TextTooLong
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile
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


OptionValue = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.-]+$")]
_OPTIONS: TypeAdapter[dict[str, str]] = TypeAdapter(dict[OptionValue, OptionValue])


class DemoSecretRequest(BaseModel):
    """What the call page may choose: the profile, a voice, the profile's options (in `options`, or as fields
    of their own: `{"profile": "practice", "scenario": "mart"}`), and the learner's id, which files their calls
    and history under this page's address."""

    model_config = ConfigDict(extra="allow")

    profile: OptionValue | None = None
    voice: OptionValue | None = None
    options: Annotated[dict[OptionValue, OptionValue], Field(max_length=16)] = Field(default_factory=dict)
    user: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[\w-]+$")] | None = None

    @model_validator(mode="after")
    def _options_are_names(self) -> "DemoSecretRequest":
        _OPTIONS.validate_python(self.model_extra or {})
        return self

    def chosen_options(self) -> dict[str, str]:
        return {**(self.model_extra or {}), **self.options}

    def session(self) -> dict[str, Any]:
        voice = {"audio": {"output": {"voice": self.voice}}} if self.voice else {}
        return {"type": "realtime", "model": self.profile, **voice}


class SecretMinter:
    def __init__(self, settings: Settings, profiles: ProfileRegistry, store: SecretStore, limiter: RateLimiter) -> None:
        self.settings, self.profiles, self.store, self.limiter = settings, profiles, store, limiter

    async def mint(self, caller: Caller, requested: dict[str, Any], ttl_s: int, extension: TalklineOptions
                   ) -> tuple[str, int, Session]:
        if not caller.may_mint:
            raise ApiError(403, "a client secret cannot mint other client secrets; use a server key",
                           code="forbidden")
        profile = self.configured_profile(requested.get("model"), extension.options, param="session.model")
        if not await self.limiter.allow(caller.owner):
            raise ApiError(429, f"too many client secrets minted; the limit is "
                           f"{self.settings.secret_mint_per_minute} per minute per key", code="rate_limit_exceeded",
                           type="rate_limit_error", headers={"Retry-After": "60"})
        bound = {**requested, "model": profile.name}
        owner_caller = Caller("client_secret", caller.owner, bound_session=bound)
        try:
            session = initial_session(profile, self.settings, owner_caller)
        except ProtocolError as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        try:  # the client's own instructions; a profile's may be longer
            instructions = requested.get("instructions")
            TextLimits.of(self.settings).check_instructions(instructions if isinstance(instructions, str) else None,
                                                            "session.instructions")
        except TextTooLong as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        secret = new_secret()
        expires_at = int(time.time()) + ttl_s
        owner = f"{caller.owner}/{extension.user}" if extension.user else f"{caller.owner}/ek_{fingerprint(secret)[:12]}"
        await self.store.put(secret, SecretRecord(owner=owner, session=bound, expires_at=expires_at,
                                                  options=extension.options))
        session.expires_at = expires_at
        return secret, expires_at, session

    def configured_profile(self, profile_name: str | None, options: dict[str, str], param: str = "profile"
                           ) -> Profile:
        """The profile as these options configure it; unknown profiles or options are refused now,
        before any rate-limit budget is spent, rather than when the secret is used."""
        try:
            profile = self.profiles.get(profile_name)
        except UnknownProfile as exc:
            raise ApiError(400, str(exc), code="model_not_found", param=param) from None
        if options and profile.variant is None:
            raise ApiError(400, f"profile '{profile.name}' takes no options such as "
                           f"{', '.join(sorted(options))}", code="invalid_value", param=next(iter(options)))
        try:
            return profile.for_options(options)
        except (LookupError, ValueError) as exc:
            raise ApiError(400, str(exc), code="invalid_value", param="options") from None


def demo_caller(settings: Settings) -> Callable[[Request], Awaitable[Caller]]:
    """The server itself, minting for the page; rate limits count per client address."""

    async def caller(request: Request) -> Caller:
        if not settings.demo_tokens_enabled:
            raise ApiError(404, "the demo token route is off (TALKLINE_DEMO_TOKEN_ROUTE)", code="not_found")
        host = request.client.host if request.client else None
        if settings.anonymous and not is_loopback(host):
            raise ApiError(403, "anonymous servers hand out demo tokens to loopback callers only", code="forbidden")
        return Caller("anonymous", f"demo:{host or 'unknown'}")

    return caller


def secrets_router(minter: SecretMinter, caller: Callable[..., Awaitable[Caller]]) -> APIRouter:
    router = APIRouter()
    demo = demo_caller(minter.settings)

    @router.post("/v1/realtime/client_secrets")
    async def client_secrets(body: ClientSecretRequest, who: Annotated[Caller, Depends(caller)]) -> dict[str, Any]:
        requested = {"type": "realtime", **body.session}
        secret, expires_at, session = await minter.mint(who, requested, body.expires_after.seconds, body.talkline)
        return {"value": secret, "expires_at": expires_at, "session": dump(session)}

    @router.post("/v1/realtime/sessions")
    async def beta_sessions(body: dict[str, Any], who: Annotated[Caller, Depends(caller)]) -> dict[str, Any]:
        try:
            options = BetaClientSecretOptions.model_validate(body.get("client_secret") or {})
            extension = TalklineOptions.model_validate(body.get("talkline") or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ApiError(400, f"Invalid value for '{'.'.join(map(str, first['loc']))}': {first['msg']}",
                           code="invalid_value") from None
        flat = {k: v for k, v in body.items() if k not in ("client_secret", "talkline")}
        try:
            requested = beta_session_to_ga(flat)
        except ProtocolError as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        secret, expires_at, session = await minter.mint(who, requested, options.expires_after.seconds, extension)
        return {**ga_session_to_beta(dump(session)), "client_secret": {"value": secret, "expires_at": expires_at}}

    @router.post("/v1/demo/client_secret")
    async def demo_client_secret(body: DemoSecretRequest, who: Annotated[Caller, Depends(demo)]) -> dict[str, Any]:
        options = body.chosen_options()
        minter.configured_profile(body.profile, options)  # the page's field names in any refusal
        secret, expires_at, session = await minter.mint(who, body.session(), DEFAULT_TTL_S,
                                                        TalklineOptions(options=options, user=body.user))
        return {"value": secret, "expires_at": expires_at, "session": dump(session)}

    return router
