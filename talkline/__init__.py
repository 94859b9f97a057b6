"""Talkline: a self-hosted voice conversation server."""

__version__ = "0.1.0"
