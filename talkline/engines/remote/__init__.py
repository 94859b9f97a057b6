"""Remote engines over OpenAI-compatible HTTP APIs, behind the same interfaces as the local ones."""

from talkline.engines.remote.endpoint import OpenAIEndpoint
from talkline.engines.remote.openai_stt import OpenAISTT
from talkline.engines.remote.openai_tts import OpenAITTS

__all__ = ["OpenAIEndpoint", "OpenAISTT", "OpenAITTS"]
