"""What the gateway keeps for itself in a relayed session.

- The client's view of its session: the profile's name, the gateway's session id and expiry (which
  do not change when the upstream session is replaced), the client's own tools and transcription
  setting. The upstream's session carries more: the profile's server tools, and always an input
  transcription, because the gateway keeps the call's transcript whatever the client asked for.
- Client-secret locks (talkline/realtime/locks.py) on `session.update` and `response.create`, and
  no client tool may shadow a server tool.
- Everything asked of the upstream's session, merged into one update, so that a fresh upstream
  session can be given the same configuration.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from talkline.auth.identity import Caller
from talkline.profiles.base import Profile
from talkline.profiles.engines import RelayUpstream
from talkline.protocol.realtime import dump, merge_session
from talkline.protocol.realtime.client_events import ResponseCreateEvent, SessionUpdateEvent
from talkline.protocol.realtime.errors import INVALID_VALUE, ProtocolError
from talkline.protocol.realtime.session import SERVER_OWNED_FIELDS
from talkline.realtime.locks import SessionLocks
from talkline.realtime.session import initial_session
from talkline.settings import Settings

TRANSCRIPTION_EVENTS = ("conversation.item.input_audio_transcription.delta",
                        "conversation.item.input_audio_transcription.completed",
                        "conversation.item.input_audio_transcription.failed",
                        "conversation.item.input_audio_transcription.segment")


class SessionPolicy:
    def __init__(self, profile: Profile, settings: Settings, caller: Caller, upstream: RelayUpstream) -> None:
        self.profile = profile
        self.config = initial_session(profile, settings, caller)  # the session as the client knows it
        self.locks = SessionLocks.for_caller(caller)
        # the tools offered upstream as functions the gateway answers; none when the upstream runs its own
        self._server_tools = [] if upstream.tools_run_upstream(profile.name) else \
            [spec.realtime() for spec in profile.tools.specs()]
        self._server_names = {spec.name for spec in profile.tools.specs()}
        self._transcription = {"model": upstream.transcription_model}
        self.upstream_session = self._first_session(caller, upstream)  # all asked of the upstream so far
        self.version = 0  # counts the updates of `upstream_session`

    def upstream_update(self) -> dict[str, Any]:
        """The `session.update` (GA) that configures an upstream session as this one is configured."""
        return {"type": "session.update", "session": copy.deepcopy(self.upstream_session)}

    @property
    def transcribing(self) -> bool:
        """Whether the client asked for transcription events."""
        return self.config.audio.input.transcription is not None

    # ── client events ──

    def session_update(self, event: SessionUpdateEvent) -> dict[str, Any]:
        """The update to forward upstream; raises ProtocolError (locked field, shadowed tool, bad value)."""
        patch = event.patch()
        self.locks.check_update(self.config, patch)
        self._refuse_shadowing(patch.get("tools"), "session.tools")
        self.config = merge_session(self.config, patch)
        upstream = {key: value for key, value in patch.items() if key not in SERVER_OWNED_FIELDS}
        if "tools" in patch:
            upstream["tools"] = [*self._server_tools, *patch["tools"]]
        audio_in = (upstream.get("audio") or {}).get("input") or {}
        if "transcription" in audio_in and audio_in["transcription"] is None:
            audio_in["transcription"] = dict(self._transcription)
        self.upstream_session = deep_merge(self.upstream_session, upstream)
        self.version += 1
        return _with_event_id({"type": "session.update", "session": upstream}, event.event_id)

    def response_create(self, event: ResponseCreateEvent) -> dict[str, Any]:
        params = event.response
        if params is not None:
            self.locks.check_response(params)
            self._refuse_shadowing([tool.model_dump() for tool in params.tools or []], "response.tools")
        forwarded = dump(event)
        if params is not None and params.tools is not None:
            forwarded["response"]["tools"] = [*self._server_tools, *forwarded["response"]["tools"]]
        return forwarded

    def _refuse_shadowing(self, tools: Any, param: str) -> None:
        for index, tool in enumerate(tools or []):
            if isinstance(tool, Mapping) and tool.get("name") in self._server_names:
                raise ProtocolError(INVALID_VALUE, f"tool '{tool['name']}' is a server tool of profile "
                                    f"'{self.profile.name}' and runs on the server; give the client tool another "
                                    "name", param=f"{param}[{index}].name")

    # ── the client's view ──

    def client_session(self, upstream: Mapping[str, Any]) -> dict[str, Any]:
        """The upstream's session (GA) as the client sees it."""
        view = copy.deepcopy(dict(upstream))
        view.update(id=self.config.id, model=self.config.model, expires_at=self.config.expires_at)
        view["tools"] = [tool for tool in view.get("tools") or [] if tool.get("name") not in self._server_names]
        transcription = self.config.audio.input.transcription
        audio_in = view.setdefault("audio", {}).setdefault("input", {})
        audio_in["transcription"] = dump(transcription) if transcription is not None else None
        return view

    def _first_session(self, caller: Caller, upstream: RelayUpstream) -> dict[str, Any]:
        bound = {key: value for key, value in (caller.bound_session or {}).items()
                 if key not in SERVER_OWNED_FIELDS}
        session = deep_merge({"type": "realtime"}, bound)
        session["instructions"] = self.config.instructions
        session["tools"] = [*self._server_tools, *(tool.model_dump() for tool in self.config.tools)]
        audio = session.setdefault("audio", {})
        if upstream.voice and not (audio.get("output") or {}).get("voice"):
            audio.setdefault("output", {})["voice"] = upstream.voice
        audio_in = audio.setdefault("input", {})
        if not audio_in.get("transcription"):
            audio_in["transcription"] = dict(self._transcription)
        return session


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """`patch` over `base`: objects merge key by key unless their `type` changes, anything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in patch.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping) and value.get("type", current.get("type")) \
                == current.get("type"):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _with_event_id(event: dict[str, Any], event_id: str | None) -> dict[str, Any]:
    return {**event, "event_id": event_id} if event_id else event
