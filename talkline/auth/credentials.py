"""Where a caller's key travels: bearer header, browser subprotocol, or Azure-style api-key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

INSECURE_KEY_PREFIX = "openai-insecure-api-key."
BETA_SUBPROTOCOL = "openai-beta.realtime-v1"


def key_from_headers(headers: Mapping[str, str], subprotocols: Sequence[str] = (),
                     query: Mapping[str, str] | None = None) -> str | None:
    """Key extraction order of the reference: Authorization → subprotocol → api-key header/query."""
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    for protocol in subprotocols:
        if protocol.startswith(INSECURE_KEY_PREFIX):
            return protocol[len(INSECURE_KEY_PREFIX):] or None
    return headers.get("api-key") or (query or {}).get("api-key") or None


def is_beta(headers: Mapping[str, str], subprotocols: Sequence[str]) -> bool:
    return "realtime=v1" in headers.get("openai-beta", "") or BETA_SUBPROTOCOL in subprotocols


def select_subprotocol(offered: Sequence[str]) -> str | None:
    """Browsers fail the handshake unless one offered subprotocol is echoed: it must be `realtime`."""
    if not offered:
        return None
    return "realtime" if "realtime" in offered else None
