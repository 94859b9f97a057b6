"""The spoken evaluation: the same questions, said aloud and heard through speech recognition.

Each typed turn is synthesised (English with the bundled Piper voice, seeded from the text so a run
repeats exactly; Korean with espeak-ng), transcribed by the local whisper engine, and the transcript
is what the agent is asked. The report shows what was heard next to each failed question.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from talkline.audio import Pcm
from talkline.engines.local import Engines, load_local_engines
from talkline.engines.pool import InferencePool
from talkline.profiles.eco.evaluate import EvalQuestion, EvalReport, evaluate, load_questions
from talkline.profiles.eco.knowledge import Lang

Hear = Callable[[str, Lang], Awaitable[str]]


def hearing(engines: Engines) -> Hear:
    """Say `text` in `lang` and return what speech recognition made of it (cached per text)."""
    heard: dict[tuple[str, Lang], str] = {}

    async def hear(text: str, lang: Lang) -> str:
        if (text, lang) not in heard:
            audio = await speak(engines, text, lang)
            heard[(text, lang)] = (await engines.stt.transcribe(audio, language=lang)).text.strip()
        return heard[(text, lang)]

    return hear


async def speak(engines: Engines, text: str, lang: Lang) -> Pcm:
    if lang == "en":
        from talkline.bench.speech import english_speech

        return await asyncio.to_thread(english_speech, text)
    chunks = [chunk async for chunk in engines.tts.synthesize(text, language=lang)]
    return Pcm(b"".join(chunk.data for chunk in chunks), chunks[0].rate)


async def evaluate_spoken(profile: object, engines: Engines, questions: Sequence[EvalQuestion] | None = None
                          ) -> EvalReport:
    return await evaluate(profile, questions, hear=hearing(engines), mode="spoken")  # type: ignore[arg-type]


def spread(questions: Sequence[EvalQuestion], limit: int | None) -> list[EvalQuestion]:
    """`limit` questions spread evenly over the set (every group and style), or all of them."""
    if not limit or limit >= len(questions):
        return list(questions)
    step = len(questions) / limit
    return [questions[int(i * step)] for i in range(limit)]


def run_spoken_evaluation(data_dir: Path, limit: int | None = None, workers: int = 2) -> EvalReport:
    """Evaluate the eco profile on spoken questions (blocking; loads Piper, espeak-ng and whisper)."""
    from talkline.profiles.eco import create_eco_profile, warm_up

    async def run() -> EvalReport:
        pool = InferencePool(workers=workers)
        try:
            engines = await load_local_engines(data_dir, pool)
            await warm_up(pool)
            questions = spread(load_questions(), limit)
            return await evaluate_spoken(create_eco_profile(pool), engines, questions)
        finally:
            pool.shutdown()

    return asyncio.run(run())
