"""What a client secret fixes: a session opened with one cannot change the instructions, voice or
(when the secret set them) tools it was minted with, neither by `session.update` nor per response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from talkline.auth.identity import Caller
from talkline.protocol.realtime.client_events import ResponseParams
from talkline.protocol.realtime.errors import ProtocolError
from talkline.protocol.realtime.session import Session

SESSION_FIELD_LOCKED = "session_field_locked"


@dataclass(frozen=True)
class SessionLocks:
    fields: frozenset[str] = frozenset()

    @classmethod
    def for_caller(cls, caller: Caller) -> SessionLocks:
        if caller.kind != "client_secret":
            return cls()
        bound = caller.bound_session or {}
        return cls(frozenset({"instructions", "voice"} | ({"tools"} if "tools" in bound else set())))

    def check_update(self, current: Session, patch: Mapping[str, Any]) -> None:
        if not self.fields:
            return
        if "model" in patch and patch["model"] not in (None, current.model):
            self._refuse("session.model")
        if "instructions" in self.fields and "instructions" in patch and patch["instructions"] != current.instructions:
            self._refuse("session.instructions")
        voice = patch.get("audio", {}).get("output", {}).get("voice") if isinstance(patch.get("audio"), Mapping) else None
        current_voice = current.audio.output.voice
        if "voice" in self.fields and voice is not None and voice != (
                current_voice if isinstance(current_voice, str) else current_voice.model_dump()):
            self._refuse("session.audio.output.voice")
        if "tools" in self.fields and "tools" in patch and patch["tools"] != [t.model_dump() for t in current.tools]:
            self._refuse("session.tools")

    def check_response(self, params: ResponseParams) -> None:
        if not self.fields:
            return
        if "instructions" in self.fields and params.instructions is not None:
            self._refuse("response.instructions")
        if "voice" in self.fields and params.audio and params.audio.output and params.audio.output.voice:
            self._refuse("response.audio.output.voice")
        if "tools" in self.fields and params.tools is not None:
            self._refuse("response.tools")

    def check_system_content(self, param: str) -> None:
        """Locked instructions mean the secret's instructions are the only system content of the session:
        a system message (in the conversation or in an out-of-band response's input) is refused too."""
        if "instructions" in self.fields:
            raise ProtocolError(SESSION_FIELD_LOCKED, "this session's instructions are fixed by its client secret; "
                                "system messages are refused", param=param)

    @staticmethod
    def _refuse(param: str) -> None:
        raise ProtocolError(SESSION_FIELD_LOCKED, f"'{param}' is fixed by the client secret this session was "
                            "opened with and cannot be changed", param=param)
