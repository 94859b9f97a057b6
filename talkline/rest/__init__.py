"""OpenAI-compatible REST endpoints: `/v1/chat/completions`, `/v1/audio/transcriptions`, `/v1/audio/speech`."""

from talkline.rest.router import rest_router

__all__ = ["rest_router"]
