"""Per-key rate limits (e.g. minting client secrets): a fixed window, in memory or in Redis."""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis


class RateLimiter(Protocol):
    async def allow(self, key: str) -> bool: ...


class MemoryRateLimiter:
    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit, self.window_s = limit, window_s
        self._windows: dict[str, tuple[int, int]] = {}

    async def allow(self, key: str) -> bool:
        window = int(time.time() // self.window_s)
        current, count = self._windows.get(key, (window, 0))
        if current != window:
            count = 0
        if count >= self.limit:
            return False
        self._windows[key] = (window, count + 1)
        return True


class RedisRateLimiter:
    def __init__(self, redis: Redis, limit: int, window_s: int = 60, prefix: str = "talkline:rate:") -> None:
        self.redis, self.limit, self.window_s, self.prefix = redis, limit, window_s, prefix

    async def allow(self, key: str) -> bool:
        window = int(time.time() // self.window_s)
        name = f"{self.prefix}{key}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(name).expire(name, self.window_s * 2).execute()
        return int(count) <= self.limit
