"""The conversation of one Realtime session: ordered items, their audio, and truncation."""

from __future__ import annotations

from dataclasses import dataclass, field

from talkline.agent.history import HistoryItem, Message, ToolCall, ToolOutput
from talkline.audio import Pcm
from talkline.protocol.realtime.errors import (
    INVALID_AUDIO_END_MS,
    INVALID_VALUE,
    ITEM_NOT_FOUND,
    ProtocolError,
)
from talkline.protocol.realtime.items import (
    AssistantMessage,
    ConversationItem,
    FunctionCall,
    FunctionCallOutput,
    InputAudio,
    InputImage,
    InputText,
    OutputAudio,
    OutputText,
    SystemMessage,
    UserMessage,
)
from talkline.protocol.realtime.server_events import Conversation as ConversationInfo

ROOT = "root"
AUDIO_KEPT_FOR_ITEMS = 16  # older items drop their audio bytes: memory must not grow with call length


@dataclass
class SpokenAudio:
    """An assistant item's audio as sent, with the text of each spoken piece and where it starts."""

    bytes_per_ms: int  # of the session's output format, in which `data` is kept
    data: bytearray = field(default_factory=bytearray)
    pieces: list[tuple[float, str]] = field(default_factory=list)  # (start_ms, text)

    @property
    def duration_ms(self) -> float:
        return len(self.data) / self.bytes_per_ms

    def transcript_until(self, end_ms: float) -> str:
        """The part of the transcript that was heard by `end_ms`; a piece cut midway keeps its heard share."""
        heard = ""
        for index, (start, text) in enumerate(self.pieces):
            if start >= end_ms:
                break
            stop = self.pieces[index + 1][0] if index + 1 < len(self.pieces) else self.duration_ms
            if end_ms >= stop:
                heard += text
            else:
                heard += _cut_words(text, (end_ms - start) / max(1.0, stop - start))
                break
        return heard


def _cut_words(text: str, share: float) -> str:
    cut = int(len(text) * share)
    space = text.rfind(" ", 0, cut + 1)
    return text[: space + 1] if space > 0 else text[:cut]


class Conversation:
    def __init__(self) -> None:
        self.info = ConversationInfo()
        self._items: list[ConversationItem] = []
        self._user_audio: dict[str, Pcm] = {}
        self._spoken: dict[str, SpokenAudio] = {}

    @property
    def id(self) -> str:
        return self.info.id

    def items(self) -> list[ConversationItem]:
        return list(self._items)

    def last_id(self) -> str | None:
        return self._items[-1].id if self._items else None

    def add(self, item: ConversationItem, previous_item_id: str | None = None) -> str | None:
        """Insert `item` after `previous_item_id` ("root": first; None: last); returns its predecessor."""
        if any(existing.id == item.id for existing in self._items):
            raise ProtocolError(INVALID_VALUE, f"an item with id '{item.id}' already exists", param="item.id")
        if previous_item_id is None:
            predecessor = self.last_id()
            self._items.append(item)
        elif previous_item_id == ROOT:
            predecessor = None
            self._items.insert(0, item)
        else:
            position = self._index(previous_item_id, param="previous_item_id")
            predecessor = previous_item_id
            self._items.insert(position + 1, item)
        self._forget_old_audio()
        return predecessor

    def previous_id(self, item_id: str) -> str | None:
        position = self._index(item_id)
        return self._items[position - 1].id if position > 0 else None

    def get(self, item_id: str, param: str = "item_id") -> ConversationItem:
        return self._items[self._index(item_id, param)]

    def delete(self, item_id: str) -> None:
        del self._items[self._index(item_id)]
        self._user_audio.pop(item_id, None)
        self._spoken.pop(item_id, None)

    def attach_user_audio(self, item_id: str, audio: Pcm) -> None:
        self._user_audio[item_id] = audio

    def user_audio(self, item_id: str) -> Pcm | None:
        return self._user_audio.get(item_id)

    def spoken(self, item_id: str, bytes_per_ms: int) -> SpokenAudio:
        return self._spoken.setdefault(item_id, SpokenAudio(bytes_per_ms))

    def spoken_audio(self, item_id: str) -> SpokenAudio | None:
        return self._spoken.get(item_id)

    def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        """Keep only what the user heard of an assistant item's audio (and transcript)."""
        item = self.get(item_id)
        if not isinstance(item, AssistantMessage):
            raise ProtocolError(INVALID_VALUE, "only assistant messages can be truncated", param="item_id")
        if content_index >= len(item.content) or not isinstance(item.content[content_index], OutputAudio):
            raise ProtocolError(INVALID_VALUE, f"item '{item_id}' has no audio at content_index {content_index}",
                                param="content_index")
        spoken = self._spoken.get(item_id)
        duration = spoken.duration_ms if spoken else 0.0
        if audio_end_ms > duration + 1:
            raise ProtocolError(INVALID_AUDIO_END_MS, f"audio_end_ms {audio_end_ms} is beyond the item's "
                                f"{duration:.0f} ms of audio", param="audio_end_ms")
        part = item.content[content_index]
        if spoken is not None:
            part.transcript = spoken.transcript_until(audio_end_ms)
            del spoken.data[audio_end_ms * spoken.bytes_per_ms:]
            spoken.pieces = [(start, text) for start, text in spoken.pieces if start < audio_end_ms]

    def history(self, items: list[ConversationItem] | None = None) -> list[HistoryItem]:
        """The agent's view: text of every message (transcripts for audio), tool calls and outputs."""
        history: list[HistoryItem] = []
        for item in self._items if items is None else items:
            if isinstance(item, FunctionCall):
                history.append(ToolCall(item.call_id, item.name, item.arguments))
            elif isinstance(item, FunctionCallOutput):
                history.append(ToolOutput(item.call_id, item.output))
            elif isinstance(item, SystemMessage | UserMessage | AssistantMessage):
                history.append(Message(item.role, message_text(item)))
        return history

    def _index(self, item_id: str, param: str = "item_id") -> int:
        for position, item in enumerate(self._items):
            if item.id == item_id:
                return position
        raise ProtocolError(ITEM_NOT_FOUND, f"no item with id '{item_id}' in the conversation", param=param)

    def _forget_old_audio(self) -> None:
        keep = {item.id for item in self._items[-AUDIO_KEPT_FOR_ITEMS:]}
        for store in (self._user_audio, self._spoken):
            for item_id in [key for key in store if key not in keep]:
                del store[item_id]


def message_text(item: SystemMessage | UserMessage | AssistantMessage) -> str:
    parts: list[str] = []
    for part in item.content:
        if isinstance(part, InputText | OutputText):
            parts.append(part.text)
        elif isinstance(part, InputAudio | OutputAudio):
            parts.append(part.transcript or "")
        elif isinstance(part, InputImage):
            parts.append("[image]")
    return " ".join(p for p in parts if p)
