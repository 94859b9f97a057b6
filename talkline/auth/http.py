"""FastAPI dependencies that turn a request's credentials into a Caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from talkline.auth.credentials import key_from_headers
from talkline.auth.identity import Authenticator, AuthError, Caller
from talkline.http_errors import ApiError


def caller_dependency(authenticator: Authenticator) -> Callable[[Request], Awaitable[Caller]]:
    async def caller(request: Request) -> Caller:
        key = key_from_headers(request.headers, (), request.query_params)
        try:
            return await authenticator.authenticate(key, request.client.host if request.client else None)
        except AuthError as exc:
            raise ApiError(exc.status, exc.message, code=exc.code,
                           headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None) from None

    return caller


def owner_dependency(caller: Callable[[Request], Awaitable[Caller]]) -> Callable[[Request], Awaitable[str]]:
    """The caller's identity string, for routes that only need to scope reads to it."""

    async def owner(request: Request) -> str:
        return (await caller(request)).owner

    return owner
