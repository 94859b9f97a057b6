"""`POST /v1/chat/completions`: a profile (the `model`) answers in a Turn, in text or in speech, streamed or
whole. Everything a request can get wrong is refused before the response starts."""

# No `from __future__ import annotations`: FastAPI must see the `Caller` alias local to the factory.
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from talkline.auth.identity import Caller
from talkline.metrics import RESPONSES, observe_timings
from talkline.pipeline import Turn
from talkline.pipeline.events import ResponseEnd
from talkline.rest.audio_replies import new_audio_id
from talkline.rest.chat_body import completion_body
from talkline.rest.chat_events import ChatPiece, Completion, chat_pieces
from talkline.rest.chat_models import ChatCompletionRequest
from talkline.rest.chat_request import ChatPlan, ChatPlanner
from talkline.rest.chat_stream import stream_chunks
from talkline.rest.disconnect import ClientLeft, unless_client_leaves
from talkline.rest.errors import as_api_error
from talkline.rest.openai_sse import sse_response
from talkline.rest.services import RestServices

SURFACE = "rest"


def chat_router(services: RestServices, caller_dep: Callable[..., Awaitable[Caller]]) -> APIRouter:
    router = APIRouter(tags=["openai"])
    planner = ChatPlanner(services)
    CallerDep = Annotated[Caller, Depends(caller_dep)]

    @router.post("/v1/chat/completions", response_model=None)
    async def chat_completions(body: ChatCompletionRequest, caller: CallerDep, request: Request) -> Response:
        arrived_at = time.monotonic()
        pipeline = services.pipeline(body.model)
        plan = await planner.plan(body, caller, pipeline, arrived_at)
        run = _ChatRun(services, plan, pipeline.turn(plan.profile, plan.history, options=plan.options), caller.owner)
        if body.stream:
            return sse_response(run.chunks(body.include_usage))
        try:
            return JSONResponse(await unless_client_leaves(request, run.body()))
        except ClientLeft:
            return Response(status_code=499)  # nobody reads it; the turn was cancelled

    return router


class _ChatRun:
    """One response, rendered as a stream of chunks or as one body; always closes the turn."""

    def __init__(self, services: RestServices, plan: ChatPlan, turn: Turn, owner: str) -> None:
        self.services, self.plan, self.turn, self.owner = services, plan, turn, owner
        self.completion = Completion.new(plan.profile.name)
        self.audio_id = new_audio_id() if plan.options.speak else None
        self.status = "cancelled"  # until the response ends or fails

    async def chunks(self, include_usage: bool) -> AsyncGenerator[dict[str, Any] | str, None]:
        try:
            async for chunk in stream_chunks(self._pieces(), self.completion, audio_id=self.audio_id,
                                             include_usage=include_usage, input_audio_ms=self.plan.input_audio_ms,
                                             remember_audio=self._remember):
                yield chunk
        except Exception:
            self.status = "failed"
            raise
        finally:
            await self._close()

    async def body(self) -> dict[str, Any]:
        try:
            return await completion_body(self._pieces(), self.completion, audio_id=self.audio_id,
                                         audio_format=self.plan.audio_format,
                                         input_audio_ms=self.plan.input_audio_ms, remember_audio=self._remember)
        except Exception as exc:
            self.status = "failed"
            raise as_api_error(exc) from None
        finally:
            await self._close()

    async def _pieces(self) -> AsyncGenerator[ChatPiece, None]:
        async for piece in chat_pieces(self.turn, audio=self.plan.options.speak):
            if isinstance(piece, ResponseEnd):
                self.status = "incomplete" if piece.stop_reason == "max_output_tokens" else "completed"
                observe_timings(SURFACE, piece.timings)
            yield piece

    def _remember(self, audio_id: str, transcript: str) -> int:
        return self.services.replies.remember(self.owner, audio_id, transcript)

    async def _close(self) -> None:
        await self.turn.aclose()
        RESPONSES.labels(surface=SURFACE, status=self.status).inc()
