"""One turn the way apps did it before Realtime (Saegil's first version): upload the recording to
`/v1/audio/transcriptions`, send the text to `/v1/chat/completions`, then ask `/v1/audio/speech`
for the reply, one after the other. The clock starts when the recording ends (the upload starts at
once) and stops at the first byte of speech."""

from __future__ import annotations

import time

import httpx

from talkline.audio import wav_bytes
from talkline.bench.turns import TurnResult, Utterance

SPEECH_FORMAT = "pcm"  # what the Realtime modes receive too, so the two compare like for like


async def rest_turn(url: str, mode: str, utterance: Utterance) -> TurnResult:
    result = TurnResult(mode, utterance.text, utterance.profile, utterance.language, utterance.audio.duration_ms,
                        None)
    headers = {"Authorization": "Bearer bench"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        started = time.monotonic()
        heard = await client.post("/v1/audio/transcriptions", files={"file": ("turn.wav", wav_bytes(utterance.audio),
                                                                               "audio/wav")},
                                  data={"model": "whisper-1", "language": utterance.language})
        transcribed = time.monotonic()
        reply = await client.post("/v1/chat/completions", json={
            "model": utterance.profile, "messages": [{"role": "user", "content": heard.json().get("text", "")}]})
        answered = time.monotonic()
        text = reply.json()["choices"][0]["message"]["content"] or ""
        async with client.stream("POST", "/v1/audio/speech", json={
                "model": utterance.profile, "input": text, "voice": "alloy", "response_format": SPEECH_FORMAT}) as speech:
            async for chunk in speech.aiter_raw():
                if chunk:
                    break
            first_byte = time.monotonic()
    if heard.status_code != 200 or reply.status_code != 200 or speech.status_code != 200:
        result.error = f"HTTP {heard.status_code} / {reply.status_code} / {speech.status_code}"
        return result
    result.transcript = heard.json().get("text", "")
    result.end_to_first_audio_ms = round(1000 * (first_byte - started), 1)
    result.stages = {"stt": round(1000 * (transcribed - started), 1),
                     "agent_first_token": round(1000 * (answered - transcribed), 1),
                     "tts_first_audio": round(1000 * (first_byte - answered), 1)}
    return result
