"""Events between the client's dialect and the upstream's, through GA (the gateway's own terms).

`talkline.protocol.realtime.beta` maps beta client events to GA and GA server events to beta (what
a Talkline server needs). A relay also needs the other two directions, for a beta upstream: GA
client events to beta, and beta server events to GA. Functions take and return plain JSON dicts and
never mutate their input.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from talkline.protocol.realtime import (
    beta_client_to_ga,
    beta_session_to_ga,
    ga_server_to_beta,
    ga_session_to_beta,
)
from talkline.protocol.realtime.beta import beta_item_to_ga, ga_item_to_beta
from talkline.protocol.realtime.errors import ProtocolError
from talkline.protocol.realtime.formats import BETA_TO_GA_FORMAT, GA_TO_BETA_FORMAT

Event = dict[str, Any]

_BETA_TO_GA_EVENTS = {
    "response.audio.delta": "response.output_audio.delta",
    "response.audio.done": "response.output_audio.done",
    "response.audio_transcript.delta": "response.output_audio_transcript.delta",
    "response.audio_transcript.done": "response.output_audio_transcript.done",
    "response.text.delta": "response.output_text.delta",
    "response.text.done": "response.output_text.done",
}
_BETA_ONLY_RESPONSE_FIELDS = ("modalities", "voice", "output_audio_format", "temperature")


# ── GA client events → beta ─────────────────────────────────────────────────────────────────────

def ga_client_to_beta(event: Mapping[str, Any]) -> Event:
    """A GA client event as a beta upstream expects it."""
    beta = dict(event)
    kind = event.get("type")
    if kind == "session.update" and isinstance(event.get("session"), Mapping):
        session = event["session"]
        if session.get("type") == "transcription":
            beta["type"] = "transcription_session.update"
        beta["session"] = {key: value for key, value in ga_session_to_beta(session).items()
                           if key != "temperature" or "temperature" in session}  # no default forced on an update
    elif kind == "response.create" and isinstance(event.get("response"), Mapping):
        beta["response"] = ga_response_params_to_beta(event["response"])
    elif kind == "conversation.item.create" and isinstance(event.get("item"), Mapping):
        beta["item"] = ga_item_to_beta(event["item"])
    return beta


def ga_response_params_to_beta(params: Mapping[str, Any]) -> Event:
    beta = {key: value for key, value in params.items() if key not in ("output_modalities", "audio",
                                                                      "max_output_tokens")}
    if "output_modalities" in params:
        beta["modalities"] = ["text", "audio"] if "audio" in params["output_modalities"] else ["text"]
    if "max_output_tokens" in params:
        beta["max_response_output_tokens"] = params["max_output_tokens"]
    output = (params.get("audio") or {}).get("output") or {}
    if isinstance(output.get("format"), Mapping):
        beta["output_audio_format"] = GA_TO_BETA_FORMAT.get(str(output["format"].get("type")), output["format"])
    if output.get("voice") is not None:
        voice = output["voice"]
        beta["voice"] = voice.get("id") if isinstance(voice, Mapping) else voice
    if isinstance(params.get("input"), list):
        beta["input"] = [ga_item_to_beta(item) if isinstance(item, Mapping) else item for item in params["input"]]
    return beta


# ── beta server events → GA ─────────────────────────────────────────────────────────────────────

def beta_response_to_ga(response: Mapping[str, Any]) -> Event:
    ga = {key: value for key, value in response.items() if key not in _BETA_ONLY_RESPONSE_FIELDS}
    if isinstance(response.get("modalities"), list):
        ga["output_modalities"] = ["audio"] if "audio" in response["modalities"] else ["text"]
    output: Event = {}
    if isinstance(response.get("output_audio_format"), str):
        output["format"] = dict(BETA_TO_GA_FORMAT.get(response["output_audio_format"],
                                                      {"type": response["output_audio_format"]}))
    if response.get("voice") is not None:
        output["voice"] = response["voice"]
    if output:
        ga["audio"] = {"output": output}
    if isinstance(response.get("output"), list):
        ga["output"] = [beta_item_to_ga(item) if isinstance(item, Mapping) else item for item in response["output"]]
    return ga


class BetaServerEvents:
    """Beta server events of one upstream session in GA terms. Stateful, because GA says a little more
    than beta: `conversation.item.done` for items of the default conversation, and the function name in
    `response.function_call_arguments.done`."""

    def __init__(self) -> None:
        self._call_names: dict[str, str] = {}  # function call item id → name
        self._out_of_band: set[str] = set()  # responses outside the default conversation

    def to_ga(self, event: Mapping[str, Any]) -> list[Event]:
        kind = str(event.get("type"))
        ga = dict(event)
        ga["type"] = _BETA_TO_GA_EVENTS.get(kind, kind)
        if kind in ("session.created", "session.updated", "transcription_session.updated") \
                and isinstance(event.get("session"), Mapping):
            ga["type"] = "session.updated" if kind == "transcription_session.updated" else kind
            with contextlib.suppress(ProtocolError):  # a format GA does not know stays as the upstream said it
                ga["session"] = beta_session_to_ga(event["session"], session_type=(
                    "transcription" if kind == "transcription_session.updated" else "realtime"))
        if isinstance(event.get("item"), Mapping):
            ga["item"] = beta_item_to_ga(event["item"])
        if isinstance(event.get("response"), Mapping):
            ga["response"] = beta_response_to_ga(event["response"])
            if kind == "response.created" and ga["response"].get("conversation_id", "") is None:
                self._out_of_band.add(str(ga["response"].get("id")))
        if kind == "conversation.item.created":
            return self._item_created(ga)
        if kind == "response.output_item.added" and ga.get("item", {}).get("type") == "function_call":
            self._call_names[str(ga["item"].get("id"))] = str(ga["item"].get("name", ""))
        if kind == "response.function_call_arguments.done" and "name" not in ga:
            ga["name"] = self._call_names.get(str(ga.get("item_id")), "")
        if kind == "response.output_item.done" and ga.get("response_id") not in self._out_of_band:
            return [ga, _item_done(ga)]
        if kind == "response.done":
            self._out_of_band.discard(str(ga.get("response", {}).get("id")))
        return [ga]

    @staticmethod
    def _item_created(created: Event) -> list[Event]:
        """Beta's one `created` is GA's `added`; an item that is already complete is also `done`
        (one a response is still writing is done with its `response.output_item.done`)."""
        added = {**created, "type": "conversation.item.added"}
        if created.get("item", {}).get("status", "completed") != "completed":
            return [added]
        return [added, _item_done(created)]


def _item_done(event: Event) -> Event:
    done: Event = {"type": "conversation.item.done", "item": event["item"]}
    if "previous_item_id" in event:
        done["previous_item_id"] = event["previous_item_id"]
    if "event_id" in event:
        done["event_id"] = f"{event['event_id']}_done"
    return done


# ── one relayed session ─────────────────────────────────────────────────────────────────────────

class Dialects:
    """The client's and the upstream's dialects for one upstream session."""

    def __init__(self, *, client_beta: bool, upstream_beta: bool) -> None:
        self.client_beta = client_beta
        self.upstream_beta = upstream_beta
        self._beta_events = BetaServerEvents() if upstream_beta else None

    @property
    def same(self) -> bool:
        return self.client_beta == self.upstream_beta

    def client_to_ga(self, event: Mapping[str, Any]) -> Event:
        """Raises ProtocolError for a beta value with no GA meaning (an unknown audio format)."""
        return beta_client_to_ga(event) if self.client_beta else dict(event)

    def ga_to_upstream(self, event: Mapping[str, Any]) -> Event:
        return ga_client_to_beta(event) if self.upstream_beta else dict(event)

    def upstream_to_ga(self, event: Mapping[str, Any]) -> list[Event]:
        return self._beta_events.to_ga(event) if self._beta_events is not None else [dict(event)]

    def ga_to_client(self, event: Mapping[str, Any]) -> Event | None:
        """None: the event has no equivalent in the client's dialect."""
        return ga_server_to_beta(event) if self.client_beta else dict(event)
