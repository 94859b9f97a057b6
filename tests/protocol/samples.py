"""One instance of every server event we build, paired with the SDK classes that must accept it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import openai.types.beta.realtime as beta_sdk
import openai.types.realtime as ga_sdk
from openai.types.realtime.realtime_server_event import (
    ConversationItemRetrieved,
    OutputAudioBufferCleared,
    OutputAudioBufferStarted,
    OutputAudioBufferStopped,
)

from talkline.protocol.realtime import Session, error_event
from talkline.protocol.realtime import items as it
from talkline.protocol.realtime import server_events as se


@dataclass(frozen=True)
class Sample:
    event: Any
    ga: Any  # the SDK's GA model
    beta: Any | None  # the SDK's beta model for ga_server_to_beta(event), None if beta has no such event


def session() -> Session:
    return Session(
        type="realtime", model="gpt-4o-realtime-preview", instructions="Be kind.", expires_at=1_900_000_000,
        audio={"input": {"transcription": {"model": "whisper-1", "language": "ko"},
                         "noise_reduction": {"type": "near_field"},
                         "turn_detection": {"type": "server_vad", "interrupt_min_speech_ms": 250}},
               "output": {"format": {"type": "audio/pcmu"}, "voice": "verse", "speed": 1.1}},
        tools=[{"name": "get_weather", "description": "Weather", "parameters": {"type": "object"}}],
        max_output_tokens=1000,
    )


def samples() -> list[Sample]:
    user = it.UserMessage(id="item_u", content=[it.InputAudio(transcript=None), it.InputText(text="hi")])
    assistant = it.AssistantMessage(id="item_a", status="in_progress", content=[])
    spoken = it.AssistantMessage(id="item_a", content=[it.OutputAudio(transcript="Hello there.")])
    written = it.AssistantMessage(id="item_t", content=[it.OutputText(text="Hello.")])
    call = it.FunctionCall(id="item_f", call_id="call_1", name="get_weather", arguments='{"city":"Seoul"}')
    output = it.FunctionCallOutput(id="item_o", call_id="call_1", output='{"temp_c":21}')
    system = it.SystemMessage(id="item_s", content=[it.InputText(text="Context")])
    done = se.RealtimeResponse(
        id="resp_1", status="cancelled", conversation_id="conv_1", output=[spoken, call],
        status_details=se.StatusDetails(type="cancelled", reason="turn_detected"),
        usage=se.Usage(total_tokens=30, input_tokens=10, output_tokens=20), metadata={"topic": "weather"},
        audio=se.ResponseAudio(output=se.ResponseAudioOutput(format={"type": "audio/pcma"}, voice="ash")),
    )
    part = {"response_id": "resp_1", "item_id": "item_a", "output_index": 0, "content_index": 0}
    call_ids = {"response_id": "resp_1", "item_id": "item_f", "output_index": 1, "call_id": "call_1"}
    return [
        Sample(se.SessionCreatedEvent(session=session()), ga_sdk.SessionCreatedEvent, beta_sdk.SessionCreatedEvent),
        Sample(se.SessionUpdatedEvent(session=session()), ga_sdk.SessionUpdatedEvent, beta_sdk.SessionUpdatedEvent),
        Sample(se.ConversationCreatedEvent(), ga_sdk.ConversationCreatedEvent, beta_sdk.ConversationCreatedEvent),
        Sample(se.ConversationItemAddedEvent(item=user), ga_sdk.ConversationItemAdded,
               beta_sdk.ConversationItemCreatedEvent),
        Sample(se.ConversationItemDoneEvent(item=spoken, previous_item_id="item_u"), ga_sdk.ConversationItemDone, None),
        Sample(se.ConversationItemCreatedEvent(item=system), ga_sdk.ConversationItemCreatedEvent,
               beta_sdk.ConversationItemCreatedEvent),
        Sample(se.ConversationItemRetrievedEvent(item=written), ConversationItemRetrieved,
               beta_sdk.realtime_server_event.ConversationItemRetrieved),
        Sample(se.ConversationItemDeletedEvent(item_id="item_u"), ga_sdk.ConversationItemDeletedEvent,
               beta_sdk.ConversationItemDeletedEvent),
        Sample(se.ConversationItemTruncatedEvent(item_id="item_a", content_index=0, audio_end_ms=1200),
               ga_sdk.ConversationItemTruncatedEvent, beta_sdk.ConversationItemTruncatedEvent),
        Sample(se.InputAudioTranscriptionDeltaEvent(item_id="item_u", delta="안녕"),
               ga_sdk.ConversationItemInputAudioTranscriptionDeltaEvent,
               beta_sdk.ConversationItemInputAudioTranscriptionDeltaEvent),
        Sample(se.InputAudioTranscriptionCompletedEvent(
            item_id="item_u", transcript="안녕하세요", usage=se.TranscriptionDurationUsage(seconds=1.5),
            logprobs=[se.LogProb(token="안", logprob=-0.1, bytes=[236, 149, 136])]),
            ga_sdk.ConversationItemInputAudioTranscriptionCompletedEvent,
            beta_sdk.ConversationItemInputAudioTranscriptionCompletedEvent),
        Sample(se.InputAudioTranscriptionCompletedEvent(
            item_id="item_u", transcript="hi", usage=se.TranscriptionTokenUsage(
                input_tokens=5, output_tokens=2, total_tokens=7,
                input_token_details=se.TranscriptionTokenDetails(audio_tokens=5))),
            ga_sdk.ConversationItemInputAudioTranscriptionCompletedEvent,
            beta_sdk.ConversationItemInputAudioTranscriptionCompletedEvent),
        Sample(se.InputAudioTranscriptionFailedEvent(item_id="item_u", error=se.TranscriptionError(
            type="server_error", code="transcription_failed", message="model crashed")),
            ga_sdk.ConversationItemInputAudioTranscriptionFailedEvent,
            beta_sdk.ConversationItemInputAudioTranscriptionFailedEvent),
        Sample(se.InputAudioTranscriptionSegmentEvent(id="seg_1", item_id="item_u", text="hi", speaker="A",
                                                      start=0.0, end=0.8),
               ga_sdk.ConversationItemInputAudioTranscriptionSegment, None),
        Sample(se.InputAudioBufferSpeechStartedEvent(audio_start_ms=1000, item_id="item_u"),
               ga_sdk.InputAudioBufferSpeechStartedEvent, beta_sdk.InputAudioBufferSpeechStartedEvent),
        Sample(se.InputAudioBufferSpeechStoppedEvent(audio_end_ms=2500, item_id="item_u"),
               ga_sdk.InputAudioBufferSpeechStoppedEvent, beta_sdk.InputAudioBufferSpeechStoppedEvent),
        Sample(se.InputAudioBufferCommittedEvent(item_id="item_u"), ga_sdk.InputAudioBufferCommittedEvent,
               beta_sdk.InputAudioBufferCommittedEvent),
        Sample(se.InputAudioBufferClearedEvent(), ga_sdk.InputAudioBufferClearedEvent,
               beta_sdk.InputAudioBufferClearedEvent),
        Sample(se.InputAudioBufferTimeoutTriggeredEvent(audio_start_ms=0, audio_end_ms=6000, item_id="item_u"),
               ga_sdk.InputAudioBufferTimeoutTriggered, None),
        Sample(se.ResponseCreatedEvent(response=se.RealtimeResponse(id="resp_1", conversation_id="conv_1")),
               ga_sdk.ResponseCreatedEvent, beta_sdk.ResponseCreatedEvent),
        Sample(se.ResponseDoneEvent(response=done), ga_sdk.ResponseDoneEvent, beta_sdk.ResponseDoneEvent),
        Sample(se.ResponseOutputItemAddedEvent(response_id="resp_1", output_index=0, item=assistant),
               ga_sdk.ResponseOutputItemAddedEvent, beta_sdk.ResponseOutputItemAddedEvent),
        Sample(se.ResponseOutputItemDoneEvent(response_id="resp_1", output_index=1, item=call),
               ga_sdk.ResponseOutputItemDoneEvent, beta_sdk.ResponseOutputItemDoneEvent),
        Sample(se.ResponseOutputItemDoneEvent(response_id="resp_1", output_index=2, item=output),
               ga_sdk.ResponseOutputItemDoneEvent, beta_sdk.ResponseOutputItemDoneEvent),
        Sample(se.ResponseContentPartAddedEvent(**part, part=se.ResponseAudioPart()),
               ga_sdk.ResponseContentPartAddedEvent, beta_sdk.ResponseContentPartAddedEvent),
        Sample(se.ResponseContentPartDoneEvent(**part, part=se.ResponseTextPart(text="Hello.")),
               ga_sdk.ResponseContentPartDoneEvent, beta_sdk.ResponseContentPartDoneEvent),
        Sample(se.ResponseOutputAudioDeltaEvent(**part, delta="AAAA"), ga_sdk.ResponseAudioDeltaEvent,
               beta_sdk.ResponseAudioDeltaEvent),
        Sample(se.ResponseOutputAudioDoneEvent(**part), ga_sdk.ResponseAudioDoneEvent,
               beta_sdk.ResponseAudioDoneEvent),
        Sample(se.ResponseOutputAudioTranscriptDeltaEvent(**part, delta="Hel"),
               ga_sdk.ResponseAudioTranscriptDeltaEvent, beta_sdk.ResponseAudioTranscriptDeltaEvent),
        Sample(se.ResponseOutputAudioTranscriptDoneEvent(**part, transcript="Hello there."),
               ga_sdk.ResponseAudioTranscriptDoneEvent, beta_sdk.ResponseAudioTranscriptDoneEvent),
        Sample(se.ResponseOutputTextDeltaEvent(**part, delta="Hel"), ga_sdk.ResponseTextDeltaEvent,
               beta_sdk.ResponseTextDeltaEvent),
        Sample(se.ResponseOutputTextDoneEvent(**part, text="Hello."), ga_sdk.ResponseTextDoneEvent,
               beta_sdk.ResponseTextDoneEvent),
        Sample(se.ResponseFunctionCallArgumentsDeltaEvent(**call_ids, delta='{"city":'),
               ga_sdk.ResponseFunctionCallArgumentsDeltaEvent, beta_sdk.ResponseFunctionCallArgumentsDeltaEvent),
        Sample(se.ResponseFunctionCallArgumentsDoneEvent(**call_ids, name="get_weather", arguments="{}"),
               ga_sdk.ResponseFunctionCallArgumentsDoneEvent, beta_sdk.ResponseFunctionCallArgumentsDoneEvent),
        Sample(se.OutputAudioBufferStartedEvent(response_id="resp_1"), OutputAudioBufferStarted,
               beta_sdk.realtime_server_event.OutputAudioBufferStarted),
        Sample(se.OutputAudioBufferStoppedEvent(response_id="resp_1"), OutputAudioBufferStopped,
               beta_sdk.realtime_server_event.OutputAudioBufferStopped),
        Sample(se.OutputAudioBufferClearedEvent(response_id="resp_1"), OutputAudioBufferCleared,
               beta_sdk.realtime_server_event.OutputAudioBufferCleared),
        Sample(se.RateLimitsUpdatedEvent(rate_limits=[se.RateLimit(name="tokens", limit=40000, remaining=39000,
                                                                   reset_seconds=1.5)]),
               ga_sdk.RateLimitsUpdatedEvent, beta_sdk.RateLimitsUpdatedEvent),
        Sample(error_event("conversation_already_has_active_response", "A response is in progress.",
                           event_id="client_1"), ga_sdk.RealtimeErrorEvent, beta_sdk.ErrorEvent),
        Sample(error_event("server_error", "Inference failed.", type="server_error"), ga_sdk.RealtimeErrorEvent,
               beta_sdk.ErrorEvent),
    ]
