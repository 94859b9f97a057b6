"""The one turn pipeline every surface uses: transcribe → agent (tool loop) → speak, as internal events."""

from __future__ import annotations

from dataclasses import dataclass

from talkline.agent.base import Agent, AgentRequest
from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry
from talkline.audio import Pcm
from talkline.engines.base import SpeechToText, TextToSpeech, Transcription
from talkline.pipeline.events import StageTimings
from talkline.pipeline.respond import ResponseStream, SpeechOptions


@dataclass(frozen=True)
class Pipeline:
    stt: SpeechToText
    tts: TextToSpeech

    async def transcribe(self, audio: Pcm, *, language: str | None = None, prompt: str | None = None
                         ) -> Transcription:
        return await self.stt.transcribe(audio, language=language, prompt=prompt)

    def respond(self, agent: Agent, request: AgentRequest, *, speech: SpeechOptions | None,
                server_tools: ToolRegistry, ledger: ToolLedger, tool_context: ToolContext | None = None,
                timings: StageTimings | None = None) -> ResponseStream:
        """Start a response; `speech=None` gives a text-only response."""
        return ResponseStream(agent, request, tts=self.tts, speech=speech, server_tools=server_tools,
                              ledger=ledger, tool_context=tool_context or ToolContext(),
                              timings=timings or StageTimings())


__all__ = ["Pipeline", "ResponseStream", "SpeechOptions", "StageTimings"]
