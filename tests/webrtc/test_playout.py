"""The server's playout track: a reply's first frame leaves as soon as it is queued, not at the next 20 ms
tick; a piece shorter than a frame, and audio queued while a reply plays, wait for the tick."""

from __future__ import annotations

import asyncio

import numpy as np

from talkline.realtime.webrtc.playout import FRAME_BYTES, Playout, PlayoutEvents, PlayoutTrack

VOICED = (np.full(FRAME_BYTES // 2, 8000, dtype="<i2")).tobytes()


def _track() -> tuple[Playout, PlayoutTrack, list[str]]:
    heard: list[str] = []
    playout = Playout(PlayoutEvents(lambda rid: heard.append(f"started {rid}"), lambda rid: heard.append(f"stopped {rid}")))
    return playout, PlayoutTrack(playout), heard


async def _turns_of_the_loop(count: int = 5) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


def _voiced(frame) -> bool:  # type: ignore[no-untyped-def]
    return bool(np.abs(frame.to_ndarray()).max() > 1000)


async def test_a_replys_first_frame_leaves_at_once() -> None:
    playout, track, heard = _track()
    await track.recv()  # the track's first (silent) frame starts its clock
    waiting = asyncio.create_task(track.recv())
    await _turns_of_the_loop()
    assert not waiting.done()  # silence waits for its tick
    playout.queue("resp_1", "item_1", VOICED * 3)
    await _turns_of_the_loop()
    assert waiting.done() and _voiced(waiting.result())
    assert heard == ["started resp_1"]
    following = asyncio.create_task(track.recv())  # the rest of the reply follows at real time
    await _turns_of_the_loop()
    assert not following.done()
    assert _voiced(await following)
    assert waiting.result().pts + 960 == following.result().pts


async def test_less_than_a_frame_waits_for_the_tick() -> None:
    playout, track, _ = _track()
    await track.recv()
    waiting = asyncio.create_task(track.recv())
    playout.queue("resp_1", "item_1", VOICED[:FRAME_BYTES // 2])
    await _turns_of_the_loop()
    assert not waiting.done()
    playout.queue("resp_1", "item_1", VOICED)  # a whole frame now waits: it goes
    await _turns_of_the_loop()
    assert waiting.done() and _voiced(waiting.result())
