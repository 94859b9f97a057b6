"""Token usage in the shapes OpenAI's REST responses report it, counted the way the pipeline counts."""

from __future__ import annotations

import math
from typing import Any

from talkline.agent.base import Usage
from talkline.pipeline.loop import estimate_text_tokens

AUDIO_MS_PER_TOKEN = 50  # the rate the pipeline counts output audio at


def audio_tokens(ms: float) -> int:
    return math.ceil(ms / AUDIO_MS_PER_TOKEN)


def chat_usage(usage: Usage, input_audio_ms: float) -> dict[str, Any]:
    prompt_audio = audio_tokens(input_audio_ms)
    prompt = usage.input_text_tokens + prompt_audio
    return {
        "prompt_tokens": prompt,
        "completion_tokens": usage.output_tokens,
        "total_tokens": prompt + usage.output_tokens,
        "prompt_tokens_details": {"text_tokens": usage.input_text_tokens, "audio_tokens": prompt_audio,
                                  "cached_tokens": 0},
        "completion_tokens_details": {"text_tokens": usage.output_text_tokens,
                                      "audio_tokens": usage.output_audio_tokens, "reasoning_tokens": 0},
    }


def duration_usage(seconds: float) -> dict[str, Any]:
    """Whisper-style usage: the audio's length, in whole seconds as billed."""
    return {"type": "duration", "seconds": math.ceil(seconds)}


def transcription_usage(audio_seconds: float, prompt: str | None, text: str) -> dict[str, Any]:
    audio = audio_tokens(1000 * audio_seconds)
    prompt_tokens = estimate_text_tokens(prompt or "")
    output = estimate_text_tokens(text)
    return {"type": "tokens", "input_tokens": audio + prompt_tokens, "output_tokens": output,
            "total_tokens": audio + prompt_tokens + output,
            "input_token_details": {"audio_tokens": audio, "text_tokens": prompt_tokens}}


def speech_usage(text: str, audio_ms: float) -> dict[str, Any]:
    input_tokens, output_tokens = estimate_text_tokens(text), audio_tokens(audio_ms)
    return {"input_tokens": input_tokens, "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens}
