"""Identifiers shaped like the real service's: a prefix, an underscore, then random base62."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_RANDOM_CHARS = 22  # about 131 bits of randomness


def new_id(prefix: str) -> str:
    """A fresh id such as `event_3kF9…`; `prefix` is one of event, item, resp, sess, call, conv, …"""
    prefix = prefix.removesuffix("_")
    if not prefix.isidentifier():
        raise ValueError(f"invalid id prefix {prefix!r}")
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_CHARS))}"
