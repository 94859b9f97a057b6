"""A fake VAD: a 32 ms frame is speech when it is loud enough (tones, or any sound above -45 dBFS)."""

from __future__ import annotations

from talkline.audio.level import rms_dbfs
from talkline.audio.pcm import Pcm

RATE = 16000
FRAME_SAMPLES = 512  # as silero's
FRAME_BYTES = FRAME_SAMPLES * 2
SPEECH_DBFS = -45.0


class FakeVAD:
    def stream(self) -> FakeVADStream:
        return FakeVADStream()


class FakeVADStream:
    frame_ms = 1000 * FRAME_SAMPLES / RATE

    def __init__(self) -> None:
        self._rest = b""

    async def probabilities(self, audio16k: bytes) -> list[float]:
        data = self._rest + audio16k
        whole = len(data) - len(data) % FRAME_BYTES
        self._rest = data[whole:]
        return [1.0 if rms_dbfs(Pcm(data[i:i + FRAME_BYTES], RATE)) > SPEECH_DBFS else 0.0
                for i in range(0, whole, FRAME_BYTES)]

    def reset(self) -> None:
        self._rest = b""
