"""Replacing the upstream session before the upstream's time cap, without the client noticing.

From `reconnect_margin_seconds` before the cap, the relay waits for a quiet moment (no response under
way, the user not speaking), opens a fresh upstream session configured like the current one, replays
the conversation into it (text for audio) and swaps it in. If no quiet moment comes before the cap,
the upstream ends the session and the client is told.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from talkline.metrics import RELAY_RENEWALS
from talkline.realtime.relay.upstream import UpstreamLink, UpstreamUnavailable

log = logging.getLogger(__name__)

QUIET_POLL_S = 0.05
RETRY_S = 5.0
LAST_CHANCE_S = 2.0  # too close to the cap to start a swap
REPLAY_ACK_S = 5.0  # the client's events wait meanwhile


class RenewalSchedule:
    """Calls `renew` at quiet moments from `margin_s` before the cap of the current upstream session; a
    successful renewal starts the count for the new one."""

    def __init__(self, cap_s: float, margin_s: float, quiet: Callable[[], bool],
                 renew: Callable[[], Awaitable[UpstreamLink | None]]) -> None:
        self.cap_s, self.margin_s, self._quiet, self._renew = cap_s, margin_s, quiet, renew

    async def run(self, opened_at: float) -> None:
        current: float | None = opened_at
        while current is not None:
            current = await self._renewed(current)

    async def _renewed(self, opened_at: float) -> float | None:
        """Waits until the session opened at `opened_at` has been replaced and returns when the new one
        opened; None if it could not be replaced before its cap."""
        cap = opened_at + self.cap_s
        await asyncio.sleep(max(0.0, cap - self.margin_s - time.monotonic()))
        while time.monotonic() < cap - LAST_CHANCE_S:
            if not self._quiet():
                await asyncio.sleep(QUIET_POLL_S)
                continue
            link = await self._renew()
            if link is not None:
                RELAY_RENEWALS.labels(outcome="renewed").inc()
                return link.opened_at
            RELAY_RENEWALS.labels(outcome="retry").inc()
            await asyncio.sleep(RETRY_S)
        RELAY_RENEWALS.labels(outcome="missed").inc()
        log.warning("no quiet moment to renew the upstream session before its cap of %g s", self.cap_s)
        return None


async def replay(link: UpstreamLink, creates: list[dict[str, Any]]) -> None:
    """Create the items in the fresh session and wait until the upstream is done with each of them; its
    answers are consumed here and never reach the client. Raises UpstreamUnavailable."""
    waiting = {event["item"]["id"] for event in creates}
    for event in creates:
        await link.send(link.dialects.ga_to_upstream(event))
    try:
        async with asyncio.timeout(REPLAY_ACK_S):
            while waiting:
                received = await link.receive()
                if received is None:
                    raise UpstreamUnavailable("the new upstream session closed during the replay", "closed")
                for event in link.dialects.upstream_to_ga(received):
                    if event.get("type") == "conversation.item.done":
                        waiting.discard(str(event.get("item", {}).get("id")))
                    elif event.get("type") == "error":
                        error = event.get("error") or {}
                        raise UpstreamUnavailable(f"the new upstream session refused the replay "
                                                  f"({error.get('code')}): {error.get('message')}", "replay")
    except TimeoutError:
        raise UpstreamUnavailable(f"the new upstream session did not take the replayed conversation within "
                                  f"{REPLAY_ACK_S:g} s", "replay") from None
