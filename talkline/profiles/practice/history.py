"""Storing practice calls: the transcript any profile records, plus scenario, persona and feedback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from talkline.profiles.practice.call_history import PracticeSessionSummary, practice_history
from talkline.profiles.practice.catalog import setup_for
from talkline.profiles.practice.feedback import feedback
from talkline.store import Store, TimedMessage

PROFILE = "practice"


async def finish_practice_call(
    store: Store, owner: str, conversation_id: str, options: Mapping[str, Any], *, language: str | None = None
) -> PracticeSessionSummary:
    """End a recorded practice conversation and attach its feedback (call again to recompute it)."""
    conversation = await store.transcripts.get(owner, conversation_id)
    setup = setup_for(options, language)
    result = feedback(
        setup.scenario.id,
        setup.persona.id,
        conversation.messages,
        language=language,
        role=setup.role.id,
        recast=setup.recast,
    )
    if conversation.ended_at is None:
        await store.transcripts.end(owner, conversation_id)
    return await practice_history(store).attach(
        owner,
        conversation_id,
        scenario=setup.scenario.id,
        persona=setup.persona.id,
        feedback=result.model_dump(mode="json"),
    )


async def save_practice_call(
    store: Store,
    owner: str,
    options: Mapping[str, Any],
    messages: Sequence[TimedMessage],
    *,
    session_id: str | None = None,
    created_at: datetime | None = None,
    language: str | None = None,
) -> PracticeSessionSummary:
    """Store a whole practice call at once (a call whose transcript was not recorded as it went)."""
    setup = setup_for(
        options, language
    )  # unknown names and impossible pairings fail before anything is written
    conversation = await store.transcripts.create(
        owner,
        PROFILE,
        session_id=session_id,
        created_at=created_at,
        metadata={"scenario": setup.scenario.id, "persona": setup.persona.id},
    )
    await store.transcripts.append(owner, conversation.id, messages)
    return await finish_practice_call(store, owner, conversation.id, options, language=language)
