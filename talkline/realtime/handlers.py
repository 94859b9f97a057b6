"""One handler per client event (§1.5 of the protocol reference), registered on the router."""

from __future__ import annotations

import asyncio

from talkline.audio.resample import resample
from talkline.audio.wire_formats import decode_wire, encode_wire
from talkline.protocol.realtime import decode_base64_audio, encode_base64_audio, merge_session
from talkline.protocol.realtime.client_events import (
    ConversationItemCreateEvent,
    ConversationItemDeleteEvent,
    ConversationItemRetrieveEvent,
    ConversationItemTruncateEvent,
    InputAudioBufferAppendEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCommitEvent,
    OutputAudioBufferClearEvent,
    ResponseCancelEvent,
    ResponseCreateEvent,
    SessionUpdateEvent,
)
from talkline.protocol.realtime.errors import (
    INPUT_AUDIO_BUFFER_COMMIT_EMPTY,
    INVALID_VALUE,
    RESPONSE_CANCEL_NOT_ACTIVE,
    ProtocolError,
)
from talkline.protocol.realtime.items import AssistantMessage, InputAudio, OutputAudio, UserMessage
from talkline.protocol.realtime.server_events import (
    ConversationItemAddedEvent,
    ConversationItemDeletedEvent,
    ConversationItemDoneEvent,
    ConversationItemRetrievedEvent,
    ConversationItemTruncatedEvent,
    InputAudioBufferClearedEvent,
    OutputAudioBufferClearedEvent,
    SessionUpdatedEvent,
)
from talkline.realtime.event_router import EventRouter
from talkline.realtime.session import RealtimeSession

MIN_COMMIT_MS = 100
INPUT_AUDIO_BUFFER_FULL = "input_audio_buffer_full"

router = EventRouter()


@router.on(SessionUpdateEvent)
async def session_update(session: RealtimeSession, event: SessionUpdateEvent) -> None:
    patch = event.patch()
    session.locks.check_update(session.config, patch)
    instructions = patch.get("instructions")
    session.check_text(instructions if isinstance(instructions, str) else None, "session.instructions",
                       instructions=True)
    config = merge_session(session.config, patch)
    _refuse_shadowed_tools([tool.name for tool in config.tools], session, "session.tools")
    session.config = config
    session.configure_input()
    await session.send(SessionUpdatedEvent(session=session.config))


def _refuse_shadowed_tools(names: list[str], session: RealtimeSession, param: str) -> None:
    """A client tool named like one of the profile's server tools would be ambiguous: refuse it."""
    for index, name in enumerate(names):
        if name in session.profile.tools:
            raise ProtocolError(INVALID_VALUE, f"tool '{name}' is a server tool of profile '{session.profile.name}' "
                                "and runs on the server; give the client tool another name",
                                param=f"{param}[{index}].name")


@router.on(InputAudioBufferAppendEvent)
async def append_audio(session: RealtimeSession, event: InputAudioBufferAppendEvent) -> None:
    audio = decode_base64_audio(event.audio)
    _refuse_overflow(session, session.listener.format.duration_ms(len(audio)))
    try:
        turns = await session.listener.append(audio)
    except ValueError as exc:  # audio that is not whole samples of the session's format
        raise ProtocolError(INVALID_VALUE, str(exc), param="audio") from None
    await session.on_turn_events(turns)


def _refuse_overflow(session: RealtimeSession, incoming_ms: float) -> None:
    """Manual turns (turn_detection null): the buffer holds at most input_audio_buffer_max_seconds."""
    limit_ms = session.services.settings.input_audio_buffer_max_seconds * 1000
    if session.listener.vad_settings is None and session.listener.buffer.duration_ms + incoming_ms > limit_ms:
        raise ProtocolError(INPUT_AUDIO_BUFFER_FULL, f"the input audio buffer holds at most {limit_ms / 1000:g} s "
                            "(TALKLINE_INPUT_AUDIO_BUFFER_MAX_SECONDS); commit or clear it before appending more",
                            param="audio")


@router.on(InputAudioBufferCommitEvent)
async def commit_audio(session: RealtimeSession, event: InputAudioBufferCommitEvent) -> None:
    buffered = session.listener.buffer.duration_ms
    if buffered < MIN_COMMIT_MS:
        raise ProtocolError(INPUT_AUDIO_BUFFER_COMMIT_EMPTY, "Error committing input audio buffer: buffer too "
                            f"small. Expected at least {MIN_COMMIT_MS}ms of audio, but buffer only has "
                            f"{buffered:.2f}ms of audio.")
    await session.drop_speculation("changed")
    await session.commit(session.listener.take_all())


@router.on(InputAudioBufferClearEvent)
async def clear_audio(session: RealtimeSession, event: InputAudioBufferClearEvent) -> None:
    session.listener.clear()
    await session.drop_speculation("changed")
    await session.send(InputAudioBufferClearedEvent())


@router.on(ConversationItemCreateEvent)
async def create_item(session: RealtimeSession, event: ConversationItemCreateEvent) -> None:
    item = event.item
    session.check_item(item, "item")
    previous = session.conversation.add(item, event.previous_item_id)
    session.recorder.began(item.id)
    if isinstance(item, UserMessage):
        _transcribe_attached_audio(session, item)
    await session.send(ConversationItemAddedEvent(previous_item_id=previous, item=item))
    await session.send(ConversationItemDoneEvent(previous_item_id=previous, item=item))


def _transcribe_attached_audio(session: RealtimeSession, item: UserMessage) -> None:
    """A user item may carry audio (base64, session input format): the agent hears its transcript."""
    for index, part in enumerate(item.content):
        if isinstance(part, InputAudio) and part.audio and not part.transcript:
            raw = decode_base64_audio(part.audio, param=f"item.content[{index}].audio")
            audio = resample(decode_wire(session.listener.format, raw), 16000)
            part.audio = None  # kept aside, not echoed back in every event
            session.conversation.attach_user_audio(item.id, audio)
            task = asyncio.create_task(session.services.pipeline.transcribe(audio, language=session.language))
            session.track_transcript(item, task, audio)
            return


@router.on(ConversationItemRetrieveEvent)
async def retrieve_item(session: RealtimeSession, event: ConversationItemRetrieveEvent) -> None:
    item = session.conversation.get(event.item_id).model_copy(deep=True)
    if isinstance(item, UserMessage) and (audio := session.conversation.user_audio(item.id)) is not None:
        for part in item.content:
            if isinstance(part, InputAudio):
                part.audio = encode_base64_audio(encode_wire(session.listener.format, audio))
    if isinstance(item, AssistantMessage) and (spoken := session.conversation.spoken_audio(item.id)) is not None:
        for part in item.content:
            if isinstance(part, OutputAudio):
                part.audio = encode_base64_audio(bytes(spoken.data))
    await session.send(ConversationItemRetrievedEvent(item=item))


@router.on(ConversationItemDeleteEvent)
async def delete_item(session: RealtimeSession, event: ConversationItemDeleteEvent) -> None:
    session.conversation.delete(event.item_id)
    await session.send(ConversationItemDeletedEvent(item_id=event.item_id))


@router.on(ConversationItemTruncateEvent)
async def truncate_item(session: RealtimeSession, event: ConversationItemTruncateEvent) -> None:
    session.conversation.truncate(event.item_id, event.content_index, event.audio_end_ms)
    session.playback.stop()
    session.echo.interrupt()
    await session.send(ConversationItemTruncatedEvent(item_id=event.item_id, content_index=event.content_index,
                                                      audio_end_ms=event.audio_end_ms))


@router.on(ResponseCreateEvent)
async def create_response(session: RealtimeSession, event: ResponseCreateEvent) -> None:
    if session.config.type == "transcription":
        raise ProtocolError(INVALID_VALUE, "transcription sessions do not create responses", param="type")
    if event.response and event.response.tools:
        _refuse_shadowed_tools([tool.name for tool in event.response.tools], session, "response.tools")
    if event.response is not None:
        session.check_text(event.response.instructions, "response.instructions", instructions=True)
        for index, item in enumerate(event.response.input or ()):
            session.check_item(item, f"response.input[{index}]")
    await session.start_response(event.response)


@router.on(ResponseCancelEvent)
async def cancel_response(session: RealtimeSession, event: ResponseCancelEvent) -> None:
    candidates = [r for r in (session.state.active, *session.state.out_of_band) if r is not None and not r.done]
    if event.response_id is not None:
        candidates = [r for r in candidates if r.id == event.response_id]
    if not candidates:
        raise ProtocolError(RESPONSE_CANCEL_NOT_ACTIVE, "Cancellation failed: no active response found.")
    for responder in candidates[:1]:
        await responder.cancel("client_cancelled")
    session.playback.stop()
    session.echo.interrupt()


@router.on(OutputAudioBufferClearEvent)
async def clear_output(session: RealtimeSession, event: OutputAudioBufferClearEvent) -> None:
    """On a WebSocket the client owns playback; the server only stops counting it as audible."""
    session.playback.stop()
    session.echo.interrupt()
    last = session.state.active
    await session.send(OutputAudioBufferClearedEvent(response_id=last.id if last else ""))
