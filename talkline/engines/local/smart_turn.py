"""End of turn from the sound of the speech: Smart Turn v3.2 (Daily, BSD-2) on onnxruntime.

The model hears the last 8 s of a turn (whisper-style log-mel features, 80 bins) and answers with
the probability that the speaker has finished, from intonation and the words' shape, in 23
languages including Korean. Its weights ship inside the `pipecat-ai` 1.14.0 wheel; Talkline reads
only that one file (nothing of pipecat is imported) after checking its SHA-256.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from talkline.audio import Pcm, resample
from talkline.engines.base import EngineError
from talkline.engines.local.once import once_per_process
from talkline.engines.pool import InferencePool

if TYPE_CHECKING:
    import onnxruntime

RATE = 16000
WINDOW_S = 8  # the model's input: the turn's last 8 s, silence-padded in front when shorter
NORMALISE_EPSILON = 1e-7


@once_per_process
def load_session(model: str) -> onnxruntime.InferenceSession:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1  # one call per check; sessions run their checks in the pool
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    try:
        return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types
        raise EngineError(f"cannot load the end-of-turn model {model}: {error}", "model_unavailable") from error


class SmartTurn:
    """EndOfTurnModel: one process-wide ONNX session, its calls run in the inference pool."""

    name = "smart-turn-v3.2"

    def __init__(self, session: onnxruntime.InferenceSession, pool: InferencePool) -> None:
        from faster_whisper.feature_extractor import FeatureExtractor

        self._session = session
        self._pool = pool
        self._features = FeatureExtractor(feature_size=80, sampling_rate=RATE, chunk_length=WINDOW_S)

    @classmethod
    def load(cls, model: Path, pool: InferencePool) -> SmartTurn:
        """Blocking: loads the model (once per process)."""
        return cls(load_session(str(model)), pool)

    async def complete_probability(self, audio: Pcm) -> float:
        """How likely the speaker has finished their turn, judged from `audio` (the turn so far)."""
        try:
            return await self._pool.run(self._predict, audio)
        except Exception as error:  # onnxruntime's failures (Fail, InvalidArgument, …) derive from Exception
            raise EngineError(f"the end-of-turn model failed: {error}", "engine_error") from error

    def _predict(self, audio: Pcm) -> float:
        samples = resample(audio, RATE).to_float32()[-WINDOW_S * RATE:]
        window = np.zeros(WINDOW_S * RATE, dtype=np.float32)
        window[window.size - samples.size:] = samples
        window = (window - window.mean()) / np.sqrt(window.var() + NORMALISE_EPSILON)
        features = self._features(window, padding=0)[:, : WINDOW_S * 100].astype(np.float32)
        (probability,) = self._session.run(None, {"input_features": features[np.newaxis]})[0][0]
        return float(probability)
