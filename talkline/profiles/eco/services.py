"""Everything the eco tools and agent share: data tables, the lazily built index, the CPU runner."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from talkline.engines.pool import InferencePool
from talkline.profiles.eco.bulk import FeeTable, load_fee_table
from talkline.profiles.eco.centers import CenterDirectory, load_centers
from talkline.profiles.eco.disposal import DisposalGuide
from talkline.profiles.eco.knowledge import KnowledgeBase, load_knowledge
from talkline.profiles.eco.names import shared_matcher
from talkline.profiles.eco.places import Gazetteer, load_gazetteer
from talkline.profiles.eco.prices import PriceTable, load_prices
from talkline.profiles.eco.retrieval import shared_index
from talkline.profiles.eco.weather import WeatherProvider, weather_provider

P = ParamSpec("P")
T = TypeVar("T")


class EcoServices:
    def __init__(self, pool: InferencePool | None = None, weather: WeatherProvider | None = None) -> None:
        self.kb: KnowledgeBase = load_knowledge()
        self.places: Gazetteer = load_gazetteer()
        self.fees: FeeTable = load_fee_table()
        self.centers: CenterDirectory = load_centers()
        self.prices: PriceTable = load_prices()
        self.weather: WeatherProvider = weather or weather_provider(self.places)
        self._pool = pool

    async def offload(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU-bound work off the event loop: in the shared inference pool when there is one."""
        if self._pool is not None:
            return await self._pool.run(fn, *args, **kwargs)
        return await asyncio.to_thread(fn, *args, **kwargs)

    def guide(self) -> DisposalGuide:
        """Blocking on first use while the index is built: call it inside `offload`."""
        return shared_guide()

    async def warm_up(self) -> None:
        """Load the models and build every index now rather than on the first question."""
        await self.offload(shared_guide)


_guide_lock = threading.Lock()


@functools.cache
def _build_guide() -> DisposalGuide:
    kb = load_knowledge()
    return DisposalGuide(kb, shared_index(), shared_matcher())


def shared_guide() -> DisposalGuide:
    """The process-wide guide: Kiwi, BM25, jamo trigrams, e5 vectors and the name tables, built once."""
    with _guide_lock:
        return _build_guide()
