"""The built-in `eco` profile through chat completions: its knowledge-base tools run inside the
pipeline, and a spoken question gets a spoken answer."""

from __future__ import annotations

import base64

import pytest
from openai import AsyncOpenAI

from talkline.audio import Pcm, wav_bytes
from tests.audio.media import decode_with_pyav
from tests.rest.conftest import RestServer
from tests.speech import english_speech, word_error_rate

QUESTION = "How do I throw away a water bottle?"
ANSWER_START = "Put the water bottle in the clear PET bottle bin."


async def test_eco_answers_from_its_knowledge_base(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(model="eco", messages=[{"role": "user", "content": QUESTION}])
    choice = completion.choices[0]
    assert choice.message.content.startswith(ANSWER_START)
    assert choice.finish_reason == "stop" and choice.message.tool_calls is None  # its own tools stay inside


@pytest.mark.e2e
async def test_eco_hears_a_spoken_question_and_answers_in_speech(e2e_rest_server: RestServer) -> None:
    engines = e2e_rest_server.engines
    question = base64.b64encode(wav_bytes(english_speech(QUESTION))).decode()
    completion = await e2e_rest_server.client().chat.completions.create(
        model="eco", modalities=["text", "audio"], audio={"voice": "alloy", "format": "wav"},
        messages=[{"role": "user", "content": [{"type": "input_audio",
                                                "input_audio": {"data": question, "format": "wav"}}]}])
    audio = completion.choices[0].message.audio
    assert audio.transcript.startswith(ANSWER_START)
    samples, rate = decode_with_pyav(base64.b64decode(audio.data))
    heard = await engines.stt.transcribe_detailed(Pcm.from_float32(samples, rate))
    assert word_error_rate(heard.text, audio.transcript) < 0.3
    assert completion.usage.prompt_tokens_details.audio_tokens > 0
