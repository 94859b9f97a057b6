"""semantic_vad on real speech: silero and the Smart Turn model judge Piper's English as a session's
listener hears it, 20 ms appends of 24 kHz audio. Times are audio times (the listener judges each pause
before it reads the next frame), so nothing here depends on the machine's speed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from talkline.audio import EchoDetector, Pcm
from talkline.bench.speech import english_speech, paused, trim
from talkline.engines.base import EngineError, Transcription
from talkline.engines.local.silero_vad import SileroVAD
from talkline.engines.local.smart_turn import SmartTurn
from talkline.engines.pool import InferencePool
from talkline.engines.provision import provision_models
from talkline.protocol.realtime.session import SemanticVad
from talkline.realtime.listener import Listener
from talkline.realtime.session import vad_settings
from talkline.realtime.turn_taking import SpeechStopped
from talkline.settings import Settings

CHUNK_MS = 20


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SileroVAD, SmartTurn]]:
    pool = InferencePool(2)
    paths = provision_models(Path(tmp_path_factory.mktemp("semantic")))
    if paths.turn_model is None:
        pytest.fail("the end-of-turn model is not installed: run scripts/install (it adds pipecat-ai --no-deps)")
    yield SileroVAD(pool, paths.silero_model), SmartTurn.load(paths.turn_model, pool)
    pool.shutdown()


async def _no_transcript(audio: Pcm) -> Transcription:
    return Transcription(text="", language=None, duration_s=audio.duration_ms / 1000)


async def turns_ended(engines: tuple[SileroVAD, Any], speech: Pcm, silence_ms: int = 3000
                      ) -> list[tuple[SpeechStopped, float]]:
    """Each turn the listener ended, with how much audio it had been given by then (ms)."""
    vad, turn_model = engines
    listener = Listener(vad.stream(), _no_transcript, EchoDetector(), lambda: False, turn_model=turn_model)
    settings = Settings()
    listener.configure(listener.format, vad_settings(SemanticVad(eagerness="auto"), settings, semantic=True))
    audio = Pcm.silence(300, speech.rate) + speech + Pcm.silence(silence_ms, speech.rate)
    ended = []
    for start in range(0, int(audio.duration_ms), CHUNK_MS):
        for event in await listener.append(audio.slice_ms(start, start + CHUNK_MS).data):
            if isinstance(event, SpeechStopped):
                ended.append((event, start + CHUNK_MS))
    listener.close()
    return ended


async def test_a_complete_question_ends_well_before_server_vads_silence(engines: tuple[SileroVAD, SmartTurn]) -> None:
    speech = trim(english_speech("Where does styrofoam go?"))
    ended = await turns_ended(engines, speech)
    assert len(ended) == 1
    stopped, heard_ms = ended[0]
    speech_end_ms = 300 + speech.duration_ms
    assert abs(stopped.end_ms - speech_end_ms) < 200  # the turn's speech ends where the question does
    assert heard_ms - speech_end_ms < 450  # ended after a short silence, not server_vad's 500 ms


async def test_a_pause_mid_sentence_does_not_end_the_turn(engines: tuple[SileroVAD, SmartTurn]) -> None:
    _, speech = paused("How do I throw away | an empty plastic water bottle?", english_speech, pause_ms=800)
    ended = await turns_ended(engines, speech)
    assert len(ended) == 1
    stopped, _ = ended[0]
    assert stopped.end_ms > 300 + speech.duration_ms - 200  # one turn, ending after "bottle", not at the pause


def test_eagerness_sets_how_finished_a_pause_must_sound_and_the_longest_wait() -> None:
    settings = Settings()
    by_eagerness = {eagerness: vad_settings(SemanticVad(eagerness=eagerness), settings, semantic=True).semantic
                    for eagerness in ("low", "medium", "high", "auto")}
    assert by_eagerness["auto"] == by_eagerness["medium"]
    assert [by_eagerness[e].max_wait_ms for e in ("low", "medium", "high")] == [8000, 4000, 2000]
    assert by_eagerness["low"].finished_probability > by_eagerness["medium"].finished_probability > \
        by_eagerness["high"].finished_probability


def test_without_the_model_semantic_vad_waits_for_silence_alone() -> None:
    fallback = vad_settings(SemanticVad(eagerness="high"), Settings(), semantic=False)
    assert fallback is not None and fallback.semantic is None and fallback.silence_duration_ms == 300


class _BrokenModel:
    name = "broken"

    async def complete_probability(self, audio: Pcm) -> float:
        raise EngineError("the end-of-turn model failed: out of memory", "engine_error")


async def test_a_failing_model_leaves_the_turn_to_end_on_silence(engines: tuple[SileroVAD, SmartTurn]) -> None:
    vad, _ = engines
    ended = await turns_ended((vad, _BrokenModel()), trim(english_speech("Where does styrofoam go?")), 4500)
    assert len(ended) == 1  # the session carries on; the turn ends at the eagerness limit (4 s of silence)
    stopped, heard_ms = ended[0]
    assert heard_ms - stopped.end_ms >= 4000
