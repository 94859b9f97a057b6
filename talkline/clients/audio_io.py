"""Audio in and out for the terminal clients: a WAV (or any audio file) or a microphone as paced
24 kHz chunks, and reply audio written to a file whose suffix names the format."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import av

from talkline.audio import OUTPUT_FORMATS, Pcm, decode_audio, encode_audio, wav_bytes

WIRE_RATE = 24000
CHUNK_MS = 40


class MicrophoneUnavailable(RuntimeError):
    pass


def output_format(path: Path) -> str:
    """The audio format a reply file is written in, from its suffix; ValueError if there is none."""
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"raw": "pcm16", "ogg": "opus", "m4a": "aac"}.get(suffix, suffix)
    if fmt not in OUTPUT_FORMATS:
        raise ValueError(f"cannot write audio as '.{suffix}'; use one of "
                         f"{', '.join(sorted('.' + f for f in OUTPUT_FORMATS))}")
    return fmt


def write_audio(path: Path, pcm: Pcm) -> None:
    fmt = output_format(path)
    path.write_bytes(wav_bytes(pcm) if fmt == "wav" else encode_audio(pcm, fmt))


def read_audio(path: Path) -> Pcm:
    """Any audio file as mono 24 kHz (raises talkline.audio.AudioError for what is not audio)."""
    return decode_audio(path.read_bytes(), rate=WIRE_RATE)


def chunks(pcm: Pcm, chunk_ms: int = CHUNK_MS) -> Iterator[Pcm]:
    step = pcm.rate * 2 * chunk_ms // 1000
    for offset in range(0, len(pcm.data), step):
        yield Pcm(pcm.data[offset:offset + step], pcm.rate)


async def paced(pieces: AsyncIterator[Pcm] | Iterator[Pcm]) -> AsyncIterator[Pcm]:
    """The pieces no faster than real time, as a person (or a microphone) would deliver them."""
    started = time.monotonic()
    sent_ms = 0.0
    iterator = pieces if isinstance(pieces, AsyncIterator) else _aiter(pieces)
    async for piece in iterator:
        yield piece
        sent_ms += piece.duration_ms
        ahead = started + sent_ms / 1000 - time.monotonic()
        if ahead > 0:
            await asyncio.sleep(ahead)


async def _aiter(pieces: Iterator[Pcm]) -> AsyncIterator[Pcm]:
    for piece in pieces:
        yield piece


def parse_device(device: str) -> tuple[str, str]:
    """'FORMAT:NAME' as FFmpeg input devices name it (alsa:default, pulse:default, oss:/dev/dsp); a bare
    name is an ALSA device."""
    fmt, separator, name = device.partition(":")
    return (fmt, name) if separator else ("alsa", device)


async def microphone(device: str, seconds: float) -> AsyncIterator[Pcm]:
    """Up to `seconds` of the device's audio as 24 kHz chunks of 40 ms, read on a thread."""
    fmt, name = parse_device(device)
    try:
        container = await asyncio.to_thread(av.open, name, format=fmt)
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise MicrophoneUnavailable(f"cannot open the microphone '{device}': {exc}") from None
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Pcm | None] = asyncio.Queue()
    stop = threading.Event()
    reader = threading.Thread(target=_read_device, args=(container, loop, queue, stop), daemon=True)
    reader.start()
    captured_ms = 0.0
    try:
        while captured_ms < seconds * 1000 and (piece := await queue.get()) is not None:
            captured_ms += piece.duration_ms
            yield piece
    finally:
        stop.set()


def _read_device(container: av.container.InputContainer, loop: asyncio.AbstractEventLoop,
                 queue: asyncio.Queue[Pcm | None], stop: threading.Event) -> None:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=WIRE_RATE)
    pending = b""
    step = WIRE_RATE * 2 * CHUNK_MS // 1000
    try:
        for frame in container.decode(audio=0):
            for converted in resampler.resample(frame):
                pending += bytes(converted.planes[0])[:converted.samples * 2]
            while len(pending) >= step:
                loop.call_soon_threadsafe(queue.put_nowait, Pcm(pending[:step], WIRE_RATE))
                pending = pending[step:]
            if stop.is_set():
                break
    finally:
        container.close()
        loop.call_soon_threadsafe(queue.put_nowait, None)
