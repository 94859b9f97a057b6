"""One response: the agent's tool loop, sentence chunking and streamed speech, as ordered events.

The agent thinks while the speaker synthesises the sentences already written, so the first audio
leaves as soon as the first sentence is spoken. Tool calls are a barrier: the audio of any text
before a tool call is emitted before the call itself, which keeps the event order the protocols need.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace

from talkline.agent.base import Agent, AgentRequest, ToolCallRequest
from talkline.agent.conversation import Message, ToolCall, ToolOutput, Turn
from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry, ToolResult
from talkline.engines.base import TextToSpeech
from talkline.pipeline.chunker import SentenceChunker
from talkline.pipeline.events import (
    AudioOut,
    PipelineEvent,
    ResponseEnd,
    SpeechDone,
    SpeechOut,
    StageTimings,
    StopReason,
    TextOut,
    ToolCallOut,
    ToolResultOut,
    Usage,
)

MAX_TOOL_STEPS = 6


@dataclass(frozen=True, slots=True)
class SpeechOptions:
    voice: str | None = None
    language: str | None = None
    speed: float = 1.0


def estimate_text_tokens(text: str) -> int:
    """About four bytes of UTF-8 per token: close enough for usage reports of a local model."""
    return math.ceil(len(text.encode()) / 4)


def estimate_history_tokens(history: Sequence[Turn], instructions: str) -> int:
    parts = [instructions]
    for turn in history:
        parts.append(turn.text if isinstance(turn, Message) else
                     turn.arguments if isinstance(turn, ToolCall) else turn.output)
    return sum(estimate_text_tokens(part) for part in parts)


class _End:
    pass


class ResponseStream:
    """Runs one response in its own task; iterate it for events, `aclose()` it to cancel at once."""

    def __init__(self, agent: Agent, request: AgentRequest, *, tts: TextToSpeech | None,
                 speech: SpeechOptions | None, server_tools: ToolRegistry, ledger: ToolLedger,
                 tool_context: ToolContext, timings: StageTimings) -> None:
        self._agent = agent
        self._request = request
        self._tts = tts if speech is not None else None
        self._speech = speech or SpeechOptions()
        self._server_tools = server_tools
        self._ledger = ledger
        self._tool_context = tool_context
        self.timings = timings
        self._out: asyncio.Queue[PipelineEvent | BaseException | _End] = asyncio.Queue()
        self._sentences: asyncio.Queue[str] = asyncio.Queue()
        self._audio_ms = 0.0
        self._task = asyncio.create_task(self._produce(), name="response")

    async def __aiter__(self) -> AsyncIterator[PipelineEvent]:
        while True:
            item = await self._out.get()
            if isinstance(item, _End):
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    async def aclose(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _produce(self) -> None:
        speaker = asyncio.create_task(self._speak(self._tts), name="speaker") if self._tts else None
        try:
            self._out.put_nowait(await self._think())
            self._out.put_nowait(_End())
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # surfaces to the consumer, which turns it into a typed error
            self._out.put_nowait(exc)
        finally:
            if speaker:
                speaker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await speaker

    async def _think(self) -> ResponseEnd:
        request, history = self._request, list(self._request.history)
        chunker = SentenceChunker()
        text, results = "", []
        stop: StopReason = "completed"
        budget = request.max_output_tokens
        for _ in range(MAX_TOOL_STEPS):
            calls: list[ToolCallRequest] = []
            step_start = len(text)
            async for event in self._agent.respond(replace(request, history=tuple(history))):
                if isinstance(event, ToolCallRequest):
                    calls.append(event)
                    continue
                if budget is not None and estimate_text_tokens(text + event.text) > budget:
                    stop = "max_output_tokens"
                    break
                self.timings.mark("first_token")
                text += event.text
                self._emit(TextOut(event.text))
                self._queue_speech(chunker.push(event.text))
            if stop == "max_output_tokens" or not calls:
                break
            self._queue_speech(chunker.flush())
            if text[step_start:].strip():  # what the agent said before calling belongs to its history
                history.append(Message("assistant", text[step_start:]))
            step_results, client_calls = await self._run_tools(calls, history)
            results += step_results
            if client_calls:
                stop = "tool_calls"
                break
            request = replace(request, tool_choice="auto")  # a forced call is made once, then the agent answers
        self._queue_speech(chunker.flush())
        await self._sentences.join()
        usage = Usage(input_text_tokens=estimate_history_tokens(self._request.history, request.instructions),
                      output_text_tokens=estimate_text_tokens(text),
                      output_audio_tokens=math.ceil(self._audio_ms / 50))
        self.timings.mark("done")
        return ResponseEnd(text=text, stop_reason=stop, usage=usage, timings=self.timings,
                           audio_ms=self._audio_ms, tool_results=tuple(results))

    async def _run_tools(self, calls: list[ToolCallRequest], history: list[Turn]
                         ) -> tuple[list[ToolResult], list[ToolCallRequest]]:
        server_calls = [c for c in calls if c.name in self._server_tools]
        client_calls = [c for c in calls if c.name not in self._server_tools]
        # server tools start at once and run while the preamble is still being spoken
        running = [asyncio.ensure_future(self._ledger.run(c.call_id, self._server_tools.get(c.name),  # type: ignore[arg-type]
                                                          c.arguments, self._tool_context)) for c in server_calls]
        await self._sentences.join()
        for call in calls:
            self._emit(ToolCallOut(call.call_id, call.name, call.arguments, server=call.name in self._server_tools))
            history.append(ToolCall(call.call_id, call.name, call.arguments))
        results = list(await asyncio.gather(*running))
        for result in results:
            self._emit(ToolResultOut(result))
            history.append(ToolOutput(result.call_id, result.output))
        return results, client_calls

    def _queue_speech(self, pieces: list[str]) -> None:
        if self._tts is None:
            return
        for piece in pieces:
            self._sentences.put_nowait(piece)

    async def _speak(self, tts: TextToSpeech) -> None:
        index, failed = 0, False
        while True:
            piece = await self._sentences.get()
            try:
                if not failed:
                    await self._speak_piece(tts, piece, index)
                    index += 1
            except Exception as exc:  # the response fails with it; keep draining so the thinker is not stuck
                failed = True
                self._out.put_nowait(exc)
            finally:
                self._sentences.task_done()

    async def _speak_piece(self, tts: TextToSpeech, piece: str, index: int) -> None:
        announced = False
        if piece.strip():
            async for pcm in tts.synthesize(piece.strip(), voice=self._speech.voice,
                                            language=self._speech.language, speed=self._speech.speed):
                if not announced:
                    self._emit(SpeechOut(piece, index))
                    announced = True
                self.timings.mark("first_audio")
                self._audio_ms += pcm.duration_ms
                self._emit(AudioOut(pcm, index))
        if not announced:
            self._emit(SpeechOut(piece, index))
        self._emit(SpeechDone(index))

    def _emit(self, event: PipelineEvent) -> None:
        self._out.put_nowait(event)
