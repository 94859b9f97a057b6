"""The relayed conversation as the upstream holds it, kept from the upstream's events (in GA terms).

It serves three purposes: the call's transcript (the gateway's CallRecorder stores it at hang-up),
replaying the conversation into a fresh upstream session (text stands in for audio: transcripts of
what the user said and of what the user heard), and knowing whether anything is under way (a
response, the user speaking, manual-mode audio not yet committed), which a swap must wait out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from talkline.protocol.realtime.errors import ProtocolError
from talkline.protocol.realtime.items import (
    AssistantMessage,
    ConversationItem,
    FunctionCall,
    FunctionCallOutput,
    InputAudio,
    OutputAudio,
    SystemMessage,
    UserMessage,
)
from talkline.realtime.conversation import Conversation, message_text
from talkline.realtime.recorder import CallRecorder

log = logging.getLogger(__name__)

_ITEMS: TypeAdapter[ConversationItem] = TypeAdapter(ConversationItem)
_PART_FIELDS = {"input_text": ("text",), "output_text": ("text",), "input_audio": ("transcript",),
                "output_audio": ("transcript",), "input_image": ("image_url",)}
_STATUSES = ("completed", "incomplete", "in_progress")
TRANSCRIPT_WAIT_S = 30.0  # a transcript that has not come by then is not waited for


class ConversationMirror:
    def __init__(self, recorder: CallRecorder, output_bytes_per_ms: Callable[[], int]) -> None:
        self.conversation = Conversation()
        self.recorder = recorder
        self._bytes_per_ms = output_bytes_per_ms  # of the session's output audio format
        self._audio_bytes: dict[str, int] = {}  # assistant item → bytes of audio relayed
        self._started: dict[str, float] = {}  # item → when it began, in seconds since the call started
        self._speech: dict[str, float] = {}  # user item → when its speech started
        self._transcribing: dict[str, float] = {}  # user audio item → when it was added, until its transcript
        self.responses: set[str] = set()  # responses under way
        self.speaking = False  # between speech_started and speech_stopped
        self.uncommitted = False  # appended audio not yet committed (manual turn-taking)
        self._handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "conversation.item.added": self._added,
            "conversation.item.done": self._finished,
            "response.output_item.done": self._finished,
            "conversation.item.deleted": self._deleted,
            "conversation.item.truncated": self._truncated,
            "conversation.item.input_audio_transcription.completed": self._transcribed,
            "conversation.item.input_audio_transcription.failed": self._transcribed,
            "response.output_audio.delta": self._audio,
            "response.created": self._response_created,
            "response.done": self._response_done,
            "input_audio_buffer.speech_started": self._speech_started,
            "input_audio_buffer.speech_stopped": self._speech_stopped,
            "input_audio_buffer.committed": self._committed,
            "input_audio_buffer.cleared": self._committed,
        }

    @property
    def busy(self) -> bool:
        """Something is under way that a replay would lose: a response, speech, audio or a transcript."""
        waiting = any(self.recorder.now() - since < TRANSCRIPT_WAIT_S for since in self._transcribing.values())
        return bool(self.responses) or self.speaking or self.uncommitted or waiting

    def observe(self, event: dict[str, Any]) -> None:
        handler = self._handlers.get(str(event.get("type")))
        if handler is None:
            return
        try:
            handler(event)
        except (ProtocolError, KeyError, TypeError, ValueError) as exc:  # an odd event must not stop the call
            log.debug("the conversation mirror skipped a %s event: %s", event.get("type"), exc)

    def client_appended(self, manual_turns: bool) -> None:
        """The client appended audio; without turn detection it waits for a commit."""
        self.uncommitted = self.uncommitted or manual_turns

    def replay(self) -> list[dict[str, Any]]:
        """`conversation.item.create` events (GA) that rebuild the conversation, text for audio, ids kept."""
        items = (replay_item(item) for item in self.conversation.items())
        return [{"type": "conversation.item.create", "event_id": f"replay_{index}", "item": item}
                for index, item in enumerate(item for item in items if item is not None)]

    # ── items ──

    def _added(self, event: dict[str, Any]) -> None:
        item = wire_item(event["item"])
        if item is None or item.id in self._started:
            return
        previous = event.get("previous_item_id")
        try:
            self.conversation.add(item, previous)
        except ProtocolError:  # the previous item is one the mirror could not read: keep the order it has
            self.conversation.add(item)
        self._started[item.id] = self._speech.get(item.id, self.recorder.now())
        if item.id not in self._speech:
            self.recorder.began(item.id)
        if isinstance(item, UserMessage) and any(isinstance(part, InputAudio) and part.transcript is None
                                                 for part in item.content):
            self._transcribing[item.id] = self.recorder.now()

    def _finished(self, event: dict[str, Any]) -> None:
        item = wire_item(event["item"])
        if item is None or item.id not in self._started:
            return  # an out-of-band response's item is not part of the conversation
        current = self.conversation.get(item.id)
        if isinstance(current, UserMessage | AssistantMessage | SystemMessage) and type(current) is type(item):
            current.content = _keeping_transcripts(current.content, item.content)  # type: ignore[assignment]
        elif isinstance(current, FunctionCall) and isinstance(item, FunctionCall):
            current.arguments, current.name = item.arguments or current.arguments, item.name or current.name
        current.status = item.status
        if isinstance(current, AssistantMessage) and current.id in self._audio_bytes:
            start = self._started[current.id]
            self.recorder.span(current.id, start, start + self._audio_ms(current.id) / 1000)

    def _deleted(self, event: dict[str, Any]) -> None:
        item_id = str(event["item_id"])
        if item_id in self._started:
            self.conversation.delete(item_id)
            self._started.pop(item_id)
            self._transcribing.pop(item_id, None)

    def _transcribed(self, event: dict[str, Any]) -> None:
        """A transcript came (or failed: the item then stays without words)."""
        self._transcribing.pop(str(event["item_id"]), None)
        item = self.conversation.get(str(event["item_id"]))
        index = int(event.get("content_index") or 0)
        if isinstance(item, UserMessage) and index < len(item.content):
            part = item.content[index]
            if isinstance(part, InputAudio):
                part.transcript = str(event.get("transcript") or "")

    def _truncated(self, event: dict[str, Any]) -> None:
        """Keep the share of the transcript the user heard (the upstream drops the transcript of cut audio)."""
        item = self.conversation.get(str(event["item_id"]))
        relayed_ms = self._audio_ms(item.id)
        if not isinstance(item, AssistantMessage) or relayed_ms <= 0:
            return
        heard_ms = min(float(event["audio_end_ms"]), relayed_ms)
        for part in item.content:
            if isinstance(part, OutputAudio) and part.transcript:
                part.transcript = heard_share(part.transcript, heard_ms / relayed_ms)
        self._audio_bytes[item.id] = int(heard_ms * self._bytes_per_ms())
        start = self._started.get(item.id, self.recorder.now())
        self.recorder.span(item.id, start, start + heard_ms / 1000)

    def _audio(self, event: dict[str, Any]) -> None:
        item_id = str(event["item_id"])
        self._audio_bytes[item_id] = self._audio_bytes.get(item_id, 0) + base64_length(str(event["delta"]))

    def _audio_ms(self, item_id: str) -> float:
        return self._audio_bytes.get(item_id, 0) / self._bytes_per_ms()

    # ── what is under way ──

    def _response_created(self, event: dict[str, Any]) -> None:
        self.responses.add(str(event["response"]["id"]))

    def _response_done(self, event: dict[str, Any]) -> None:
        self.responses.discard(str(event["response"]["id"]))

    def _speech_started(self, event: dict[str, Any]) -> None:
        self.speaking = True
        self._speech[str(event.get("item_id"))] = self.recorder.now()

    def _speech_stopped(self, event: dict[str, Any]) -> None:
        self.speaking = False
        item_id = str(event.get("item_id"))
        if item_id in self._speech:
            self.recorder.span(item_id, self._speech[item_id], self.recorder.now())

    def _committed(self, event: dict[str, Any]) -> None:
        self.uncommitted = False


def wire_item(raw: Mapping[str, Any]) -> ConversationItem | None:
    """An item as the upstream sent it, reduced to what a conversation keeps; None if it is no item the
    conversation knows (the upstream may add fields and kinds the gateway need not understand)."""
    kind = raw.get("type")
    keep = {"message": ("id", "type", "role"), "function_call": ("id", "type", "call_id", "name", "arguments"),
            "function_call_output": ("id", "type", "call_id", "output")}.get(str(kind))
    if keep is None:
        return None
    item: dict[str, Any] = {key: raw[key] for key in keep if raw.get(key) is not None}
    if raw.get("status") in _STATUSES:
        item["status"] = raw["status"]
    if kind == "message":
        item["content"] = [part for part in map(_part, raw.get("content") or []) if part is not None]
    try:
        return _ITEMS.validate_python(item)
    except ValidationError:
        return None


def _part(raw: Any) -> dict[str, Any] | None:
    fields = _PART_FIELDS.get(raw.get("type")) if isinstance(raw, Mapping) else None
    if fields is None:
        return None
    return {"type": raw["type"], **{name: raw[name] for name in fields if raw.get(name) is not None}}


def _keeping_transcripts(current: list[Any], final: list[Any]) -> list[Any]:
    """The final parts, with transcripts that arrived before an item's final event kept."""
    for index, part in enumerate(final):
        earlier = current[index] if index < len(current) else None
        if isinstance(part, InputAudio | OutputAudio) and not part.transcript and earlier is not None:
            part.transcript = getattr(earlier, "transcript", None)
    return final


def replay_item(item: ConversationItem) -> dict[str, Any] | None:
    """The item to create in a new upstream session: messages as text, calls and outputs as they were."""
    if isinstance(item, FunctionCall):
        return {"type": "function_call", "id": item.id, "call_id": item.call_id, "name": item.name,
                "arguments": item.arguments or "{}"}
    if isinstance(item, FunctionCallOutput):
        return {"type": "function_call_output", "id": item.id, "call_id": item.call_id, "output": item.output}
    text = message_text(item).strip()
    if not text:
        return None
    part = "output_text" if isinstance(item, AssistantMessage) else "input_text"
    return {"type": "message", "id": item.id, "role": item.role, "content": [{"type": part, "text": text}]}


def heard_share(text: str, share: float) -> str:
    """The first `share` of `text`, ending at a word boundary where there is one."""
    if share >= 1:
        return text
    cut = int(len(text) * max(0.0, share))
    space = text.rfind(" ", 0, cut + 1)
    return text[:space].rstrip() if space > 0 else text[:cut]


def base64_length(text: str) -> int:
    """Bytes encoded by a base64 string, without decoding it."""
    return len(text) * 3 // 4 - len(text[-2:]) + len(text[-2:].rstrip("="))
