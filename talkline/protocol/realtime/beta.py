"""The beta dialect (`OpenAI-Beta: realtime=v1`) mapped at the edge, so the core speaks only GA (§1.11).

Client events go beta → GA before validation; server events go GA → beta just before sending.
All functions take and return plain JSON dicts and never mutate their input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talkline.protocol.realtime.errors import INVALID_VALUE, ProtocolError
from talkline.protocol.realtime.formats import BETA_TO_GA_FORMAT, GA_TO_BETA_FORMAT

DEFAULT_BETA_TEMPERATURE = 0.8  # beta echoes a temperature; GA has none, Talkline ignores it

# beta flat session field → GA path
_SESSION_PATHS: dict[str, tuple[str, ...]] = {
    "modalities": ("output_modalities",),
    "max_response_output_tokens": ("max_output_tokens",),
    "input_audio_format": ("audio", "input", "format"),
    "input_audio_transcription": ("audio", "input", "transcription"),
    "input_audio_noise_reduction": ("audio", "input", "noise_reduction"),
    "turn_detection": ("audio", "input", "turn_detection"),
    "output_audio_format": ("audio", "output", "format"),
    "voice": ("audio", "output", "voice"),
    "speed": ("audio", "output", "speed"),
}
# beta response.create override → GA path
_RESPONSE_PATHS: dict[str, tuple[str, ...]] = {
    "modalities": ("output_modalities",),
    "max_response_output_tokens": ("max_output_tokens",),
    "output_audio_format": ("audio", "output", "format"),
    "voice": ("audio", "output", "voice"),
}
_BETA_ONLY_FIELDS = frozenset({"temperature", "client_secret"})  # accepted, no GA meaning
_GA_ONLY_SESSION_FIELDS = frozenset({"include", "truncation", "prompt", "reasoning", "parallel_tool_calls"})
_TRANSCRIPTION_SESSION_FIELDS = frozenset({
    "id", "object", "expires_at", "modalities", "input_audio_format", "input_audio_transcription",
    "input_audio_noise_reduction", "turn_detection", "include",
})
_SERVER_EVENT_RENAMES = {
    "response.output_audio.delta": "response.audio.delta",
    "response.output_audio.done": "response.audio.done",
    "response.output_audio_transcript.delta": "response.audio_transcript.delta",
    "response.output_audio_transcript.done": "response.audio_transcript.done",
    "response.output_text.delta": "response.text.delta",
    "response.output_text.done": "response.text.done",
    "conversation.item.added": "conversation.item.created",
}
_GA_ONLY_SERVER_EVENTS = frozenset({"conversation.item.done"})
_ASSISTANT_PARTS_TO_GA = {"text": "output_text", "audio": "output_audio"}
_USER_PARTS_TO_GA = {"text": "input_text", "audio": "input_audio"}
_PARTS_TO_BETA = {"output_text": "text", "output_audio": "audio"}
# GA error params → the beta field names a beta client actually sent
_PARAMS_TO_BETA = (
    *((f"session.{'.'.join(path)}", f"session.{beta}") for beta, path in _SESSION_PATHS.items()),
    *((f"response.{'.'.join(path)}", f"response.{beta}") for beta, path in _RESPONSE_PATHS.items()),
)


# ── client → server ─────────────────────────────────────────────────────────────────────────────

def beta_client_to_ga(event: Mapping[str, Any]) -> dict[str, Any]:
    """A beta client event in GA form; unknown or malformed parts are left for GA validation to report."""
    ga = dict(event)
    kind = event.get("type")
    if kind in ("session.update", "transcription_session.update"):
        ga["type"] = "session.update"
        if isinstance(event.get("session"), Mapping):
            session_type = "transcription" if kind == "transcription_session.update" else "realtime"
            ga["session"] = beta_session_to_ga(event["session"], session_type=session_type)
    elif kind == "response.create" and isinstance(event.get("response"), Mapping):
        ga["response"] = _beta_response_params_to_ga(event["response"])
    elif kind == "conversation.item.create" and isinstance(event.get("item"), Mapping):
        ga["item"] = beta_item_to_ga(event["item"])
    return ga


def beta_session_to_ga(session: Mapping[str, Any], *, session_type: str = "realtime") -> dict[str, Any]:
    """A flat beta session (or partial update) as a nested GA session of `session_type`.

    `temperature` and `client_secret` (a request option, not session state) are accepted and dropped;
    fields without a beta counterpart pass unchanged, so GA validation names anything unknown.
    """
    ga: dict[str, Any] = {"type": session_type}
    for key, value in session.items():
        if key in _BETA_ONLY_FIELDS:
            continue
        _set_path(ga, _SESSION_PATHS.get(key, (key,)), _beta_value_to_ga(key, value, f"session.{key}"))
    return ga


def beta_item_to_ga(item: Mapping[str, Any]) -> dict[str, Any]:
    """A beta item: null fields dropped, part types `text`/`audio` named by role."""
    ga = _without_nulls(item)
    content = ga.get("content")
    if isinstance(content, list):
        renames = _ASSISTANT_PARTS_TO_GA if ga.get("role") == "assistant" else _USER_PARTS_TO_GA
        ga["content"] = [_renamed_part(_without_nulls(part), renames) if isinstance(part, Mapping) else part
                         for part in content]
    return ga


def _beta_response_params_to_ga(params: Mapping[str, Any]) -> dict[str, Any]:
    ga: dict[str, Any] = {}
    for key, value in params.items():
        if key in _BETA_ONLY_FIELDS:
            continue
        if key == "input" and isinstance(value, list):
            value = [beta_item_to_ga(item) if isinstance(item, Mapping) else item for item in value]
        _set_path(ga, _RESPONSE_PATHS.get(key, (key,)), _beta_value_to_ga(key, value, f"response.{key}"))
    return ga


def _beta_value_to_ga(key: str, value: Any, param: str) -> Any:
    if key in ("input_audio_format", "output_audio_format") and isinstance(value, str):
        if value not in BETA_TO_GA_FORMAT:
            raise ProtocolError(INVALID_VALUE, f"Invalid value for '{param}': expected one of "
                                               f"{', '.join(BETA_TO_GA_FORMAT)}.", param=param)
        return dict(BETA_TO_GA_FORMAT[value])
    if key == "modalities" and isinstance(value, list) and "audio" in value:
        return ["audio"]  # beta's ["text", "audio"]: GA audio always comes with its transcript
    if key == "turn_detection" and isinstance(value, Mapping):
        return {"type": "server_vad", **_without_nulls(value)}
    if key in ("input_audio_transcription", "input_audio_noise_reduction") and isinstance(value, Mapping):
        return _without_nulls(value)
    return value


def ga_param_to_beta(param: str | None) -> str | None:
    """An error's GA field path in the beta client's terms ("session.audio.output.voice" → "session.voice")."""
    if param is None:
        return None
    for ga, beta in _PARAMS_TO_BETA:
        if param == ga or param.startswith((f"{ga}.", f"{ga}[")):
            return beta if beta.endswith("_format") else beta + param[len(ga):]
    return param


# ── server → client ─────────────────────────────────────────────────────────────────────────────

def ga_server_to_beta(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """A GA server event (as dumped) in beta form, or None when beta has no such event."""
    kind = event.get("type")
    if kind in _GA_ONLY_SERVER_EVENTS:
        return None
    beta = dict(event)
    beta["type"] = _SERVER_EVENT_RENAMES.get(kind, kind)
    if isinstance(event.get("session"), Mapping):
        beta["session"] = ga_session_to_beta(event["session"])
        if kind == "session.updated" and event["session"].get("type") == "transcription":
            beta["type"] = "transcription_session.updated"
    if isinstance(event.get("item"), Mapping):
        beta["item"] = ga_item_to_beta(event["item"])
    if isinstance(event.get("response"), Mapping):
        beta["response"] = ga_response_to_beta(event["response"])
    return beta


def ga_session_to_beta(session: Mapping[str, Any]) -> dict[str, Any]:
    """A GA session in the flat beta shape (`modalities` ["text","audio"] when audio, format strings)."""
    transcription = session.get("type") == "transcription"
    dropped = {"type", "audio", "output_modalities", "max_output_tokens"}
    if not transcription:
        dropped |= _GA_ONLY_SESSION_FIELDS
    beta = {key: value for key, value in session.items() if key not in dropped}
    for beta_key, path in _SESSION_PATHS.items():
        found, value = _get_path(session, path)
        if found:
            beta[beta_key] = _ga_value_to_beta(beta_key, value)
    if transcription:
        beta = {key: value for key, value in beta.items() if key in _TRANSCRIPTION_SESSION_FIELDS}
    else:
        beta.setdefault("temperature", DEFAULT_BETA_TEMPERATURE)
    return beta


def ga_item_to_beta(item: Mapping[str, Any]) -> dict[str, Any]:
    beta = dict(item)
    if isinstance(item.get("content"), list):
        beta["content"] = [_renamed_part(part, _PARTS_TO_BETA) if isinstance(part, Mapping) else part
                           for part in item["content"]]
    return beta


def ga_response_to_beta(response: Mapping[str, Any]) -> dict[str, Any]:
    """A GA response object with beta's `modalities`, `voice`, `output_audio_format`, `temperature`."""
    beta = {key: value for key, value in response.items() if key not in ("output_modalities", "audio")}
    for beta_key, path in _RESPONSE_PATHS.items():
        found, value = _get_path(response, path)
        if found and beta_key != "max_response_output_tokens":  # beta responses also say max_output_tokens
            beta[beta_key] = _ga_value_to_beta(beta_key, value)
    if isinstance(response.get("output"), list):
        beta["output"] = [ga_item_to_beta(item) for item in response["output"]]
    beta.setdefault("temperature", DEFAULT_BETA_TEMPERATURE)
    return beta


def _ga_value_to_beta(beta_key: str, value: Any) -> Any:
    if beta_key.endswith("_format") and isinstance(value, Mapping):
        return GA_TO_BETA_FORMAT.get(str(value.get("type")), value)
    if beta_key == "modalities" and isinstance(value, list):
        return ["text", "audio"] if "audio" in value else list(value)
    if beta_key == "voice" and isinstance(value, Mapping):
        return value.get("id")  # beta voices are plain names
    return value


# ── helpers ─────────────────────────────────────────────────────────────────────────────────────

def _renamed_part(part: Mapping[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    kind = part.get("type")
    return {**part, "type": renames[kind]} if kind in renames else dict(part)


def _without_nulls(value: Mapping[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    target[path[-1]] = value


def _get_path(source: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = source
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, node
