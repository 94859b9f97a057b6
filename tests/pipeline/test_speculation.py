"""A Speculation on the fake engines: claimed only for exactly the conversation and options it was
prepared for; a read-only tool run ahead leaves the session's ledger untouched; discarding counts."""

from __future__ import annotations

import asyncio

from talkline.agent.history import Message
from talkline.agent.tools import ToolLedger
from talkline.engines.base import Transcription
from talkline.metrics import SPECULATIVE_REPLIES
from talkline.pipeline import TurnOptions
from talkline.pipeline.events import ResponseEnd, ToolCallOut
from talkline.pipeline.speculation import Speculation
from tests.pipeline.test_turn import PIPELINE, events_of, profile, ran

OPTIONS = TurnOptions(speak=False)


def heard(text: str) -> asyncio.Future[Transcription]:
    future: asyncio.Future[Transcription] = asyncio.get_running_loop().create_future()
    future.set_result(Transcription(text=text, language="en", duration_s=1.0))
    return future


async def prepared(text: str, ledger: ToolLedger) -> Speculation:
    speculation = Speculation(PIPELINE, profile(), [Message("assistant", "Hi.")], heard(text), OPTIONS, ledger)
    await asyncio.sleep(0.05)
    return speculation


async def test_the_same_words_claim_the_prepared_reply_and_its_tools_stay_out_of_the_ledger() -> None:
    ran.clear()
    ledger = ToolLedger()
    speculation = await prepared("look_up()", ledger)
    assert ran == ["look_up"] and not any(f"call_{i}" in ledger for i in range(3))  # ran ahead, unrecorded
    used = SPECULATIVE_REPLIES.labels(outcome="used")._value.get()
    turn = await speculation.claim([Message("assistant", "Hi."), Message("user", "look_up()")],
                                   TurnOptions(speak=False, committed_at=1.0))
    assert turn is not None and SPECULATIVE_REPLIES.labels(outcome="used")._value.get() == used + 1
    turn.release()
    events = await events_of(turn)
    assert [e.name for e in events if isinstance(e, ToolCallOut)] == ["look_up"] and ran == ["look_up"]
    assert isinstance(events[-1], ResponseEnd) and events[-1].text.startswith("Done.")


async def test_other_words_or_options_discard_it() -> None:
    changed = SPECULATIVE_REPLIES.labels(outcome="changed")._value.get()
    speculation = await prepared("where does it go", ToolLedger())
    final = [Message("assistant", "Hi."), Message("user", "where does it go again")]
    assert await speculation.claim(final, OPTIONS) is None
    speculation = await prepared("where does it go", ToolLedger())
    final = [Message("assistant", "Hi."), Message("user", "where does it go")]
    assert await speculation.claim(final, TurnOptions(speak=False, voice="nova")) is None
    assert SPECULATIVE_REPLIES.labels(outcome="changed")._value.get() == changed + 2
