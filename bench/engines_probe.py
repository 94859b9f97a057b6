"""Print how long the local engines take on this machine (a probe, not a test: nothing is asserted).

.venv/bin/python bench/engines_probe.py [--data-dir DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import soxr

from talkline.audio import Pcm
from talkline.engines.local.espeak_tts import EspeakTTS
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.silero_vad import FRAME_BYTES, SileroVAD
from talkline.engines.local.whisper import WhisperSTT
from talkline.engines.pool import InferencePool
from talkline.engines.provision import provision_models

ENGLISH = (
    "Please put the plastic bottles in the recycling bin on Tuesday. "
    "Where can I throw away an old battery? The shop on the corner takes them back for free."
)
KOREAN = "페트병은 라벨을 떼고 깨끗이 씻어서 투명 페트병 수거함에 버려 주세요."


def report(label: str, seconds: list[float], audio_s: float | None = None) -> None:
    median = statistics.median(seconds)
    rtf = f"  RTF {median / audio_s:.2f}" if audio_s else ""
    print(f"  {label:<44} median {1000 * median:8.1f} ms  (min {1000 * min(seconds):.1f}){rtf}")


async def timed(make: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        await make()
        seconds.append(time.perf_counter() - start)
    return seconds


async def first_chunk(stream: AsyncIterator[Pcm]) -> None:
    async for _ in stream:
        break


async def every_chunk(stream: AsyncIterator[Pcm]) -> None:
    async for _ in stream:
        pass


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


async def probe(data_dir: Path, runs: int) -> None:
    pool = InferencePool(2)

    print("loading")
    start = time.perf_counter()
    paths = provision_models(data_dir)
    print(f"  provision (join + verify, first run)      {time.perf_counter() - start:6.2f} s")
    start = time.perf_counter()
    provision_models(data_dir)
    print(f"  provision (verify cached)                 {time.perf_counter() - start:6.2f} s")
    for label, load in (
        ("whisper-base", lambda: WhisperSTT.load(paths.whisper_dir, pool)),
        ("piper", lambda: PiperTTS.load(paths.piper_model, paths.piper_config, pool)),
        ("espeak-ng", lambda: EspeakTTS.load(pool)),
    ):
        start = time.perf_counter()
        load()
        print(f"  load {label:<36} {time.perf_counter() - start:6.2f} s")
    stt = WhisperSTT.load(paths.whisper_dir, pool)
    piper = PiperTTS.load(paths.piper_model, paths.piper_config, pool)
    espeak = EspeakTTS.load(pool)
    vad = SileroVAD(pool, paths.silero_model)

    speech = Pcm(b"".join([chunk.data async for chunk in piper.synthesize(ENGLISH)]), piper.sample_rate)
    await stt.transcribe(speech.slice_ms(0, 1000), language="en")  # warm-up

    print("speech to text (Piper English speech, cut to length)")
    for seconds in (1, 3, 5):
        clip = speech.slice_ms(0, 1000 * seconds)
        report(
            f"{seconds} s, language given",
            await timed(lambda c=clip: stt.transcribe(c, language="en"), runs),
            seconds,
        )
        report(
            f"{seconds} s, language detected", await timed(lambda c=clip: stt.transcribe(c), runs), seconds
        )
    clip = speech.slice_ms(0, 5000)
    report(
        "5 s, detailed (beam 5, timestamps)",
        await timed(lambda: stt.transcribe_detailed(clip, language="en"), runs),
        5,
    )
    report("3 s of silence (VAD guard)", await timed(lambda: stt.transcribe(Pcm.silence(3000, 16000)), runs))
    three = speech.slice_ms(0, 3000)
    report(
        "2 x 3 s at once (wall time)",
        await timed(lambda: asyncio.gather(*(stt.transcribe(three, language="en") for _ in range(2))), runs),
    )

    print("text to speech: time to first audio")
    sentence = "Where can I throw away an old battery?"
    report("piper, one English sentence", await timed(lambda: first_chunk(piper.synthesize(sentence)), runs))
    report(
        "espeak-ng, one Korean sentence",
        await timed(lambda: first_chunk(espeak.synthesize(KOREAN, language="ko")), runs),
    )
    paragraph_audio = speech.duration_ms / 1000
    report(
        "piper, three sentences, all audio",
        await timed(lambda: every_chunk(piper.synthesize(ENGLISH)), runs),
        paragraph_audio,
    )

    print("voice activity detection")
    audio16k = Pcm.from_float32(soxr.resample(speech.to_float32(), speech.rate, 16000), 16000)
    frames = len(audio16k.data) // FRAME_BYTES
    seconds = await timed(lambda: vad.stream().probabilities(audio16k.data), runs)
    print(f"  per 32 ms frame                           {1000 * statistics.median(seconds) / frames:6.2f} ms")
    before = rss_mb()
    start = time.perf_counter()
    streams = [vad.stream() for _ in range(50)]
    elapsed = time.perf_counter() - start
    print(
        f"  new stream                                {1000 * elapsed / 50:6.2f} ms, {(rss_mb() - before) / 50:.1f} MB each"
    )
    del streams
    pool.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, help="model cache folder (default: a fresh temporary one)")
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    if arguments.data_dir:
        asyncio.run(probe(arguments.data_dir, arguments.runs))
        return
    with tempfile.TemporaryDirectory() as data_dir:
        asyncio.run(probe(Path(data_dir), arguments.runs))


if __name__ == "__main__":
    main()
