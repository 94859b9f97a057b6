"""Text bounds every surface applies the same way: one message, instructions, and a whole conversation.

Surfaces check what a client sends and answer in their own shape (HTTP 4xx, Realtime `error` event);
the Turn applies the same numbers once more to what it gives the agent, so no path around a surface
check can make the agent's work unbounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from talkline.agent.history import HistoryItem, Message, ToolCall, ToolOutput
from talkline.settings import Settings

TEXT_TOO_LONG = "string_above_max_length"
CONVERSATION_TOO_LONG = "context_length_exceeded"


class TextTooLong(ValueError):
    def __init__(self, message: str, *, param: str | None, code: str = TEXT_TOO_LONG) -> None:
        super().__init__(message)
        self.message, self.param, self.code = message, param, code


@dataclass(frozen=True)
class TextLimits:
    message_chars: int = 8000
    conversation_chars: int = 64000
    instructions_chars: int = 16000

    @classmethod
    def of(cls, settings: Settings) -> TextLimits:
        return cls(settings.message_max_chars, settings.conversation_max_chars, settings.instructions_max_chars)

    def check_message(self, text: str | None, param: str | None) -> None:
        if text is not None and len(text) > self.message_chars:
            raise TextTooLong(f"the text has {len(text)} characters; one message may have at most "
                              f"{self.message_chars} (TALKLINE_MESSAGE_MAX_CHARS)", param=param)

    def check_instructions(self, text: str | None, param: str | None) -> None:
        if text is not None and len(text) > self.instructions_chars:
            raise TextTooLong(f"the instructions have {len(text)} characters; at most {self.instructions_chars} "
                              "are allowed (TALKLINE_INSTRUCTIONS_MAX_CHARS)", param=param)

    def check_conversation(self, total_chars: int, param: str | None = None) -> None:
        if total_chars > self.conversation_chars:
            raise TextTooLong(f"the conversation has {total_chars} characters of text; at most "
                              f"{self.conversation_chars} are allowed (TALKLINE_CONVERSATION_MAX_CHARS)",
                              param=param, code=CONVERSATION_TOO_LONG)

    def recent(self, history: Sequence[HistoryItem]) -> list[HistoryItem]:
        """The newest items whose text fits the conversation bound (older ones are left out, as OpenAI's
        automatic truncation does); a single over-long message keeps only its last characters."""
        kept: list[HistoryItem] = []
        budget = self.conversation_chars
        for item in reversed(history):
            size = item_chars(item)
            if size > budget:
                if not kept and isinstance(item, Message):
                    kept.append(replace(item, text=item.text[-budget:]))
                break
            kept.append(item)
            budget -= size
        return kept[::-1]


def item_chars(item: HistoryItem) -> int:
    if isinstance(item, Message):
        return len(item.text)
    if isinstance(item, ToolCall):
        return len(item.name) + len(item.arguments)
    if isinstance(item, ToolOutput):
        return len(item.output)
    return 0


def conversation_chars(history: Sequence[HistoryItem]) -> int:
    return sum(item_chars(item) for item in history)
