"""Scrubs credentials out of text bound for logs (exception messages can quote URLs and headers)."""

from __future__ import annotations

import re
import traceback

_SECRETS = (
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@", re.IGNORECASE), r"\1***@"),
    (re.compile(r"(\bbearer\s+)[^\s\"',]+", re.IGNORECASE), r"\1***"),
    (re.compile(r"\b(sk|ek|rk)[-_][A-Za-z0-9_-]{8,}"), r"\1_***"),
    (re.compile(r"((?:api[_-]?key|token|secret|password|authorization)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+",
                re.IGNORECASE), r"\1***"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def redacted_traceback(exc: BaseException) -> str:
    return redact("".join(traceback.format_exception(exc)).rstrip())
