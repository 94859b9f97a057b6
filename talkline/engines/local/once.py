"""Load each model once per process, however many sessions or threads ask for it at the same time."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def once_per_process(load: Callable[P, T]) -> Callable[P, T]:
    """Memoize `load` by its (hashable) arguments; concurrent first calls wait for one load."""
    cached = functools.cache(load)
    lock = threading.Lock()

    @functools.wraps(load)
    def loader(*args: P.args, **kwargs: P.kwargs) -> T:
        with lock:
            return cached(*args, **kwargs)

    return loader
