"""One lazily opened aiosqlite connection in WAL mode, shared by the tasks of one backend.

aiosqlite runs the connection on its own thread, so the event loop never blocks. A lock keeps
one task's transaction from interleaving with another's; BEGIN IMMEDIATE takes SQLite's write
lock up front, so several processes on the same file serialise their writes safely.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000")


class SqliteDatabase:
    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self._schema = schema
        self._connection: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def _connect(self) -> aiosqlite.Connection:
        if self._connection is None:
            await asyncio.to_thread(self.path.parent.mkdir, parents=True, exist_ok=True)
            connection = await aiosqlite.connect(self.path, isolation_level=None)
            try:
                connection.row_factory = aiosqlite.Row
                for pragma in _PRAGMAS:
                    await connection.execute(pragma)
                await connection.executescript(self._schema)
            except BaseException:
                await connection.close()
                raise
            self._connection = connection
        return self._connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            connection = await self._connect()
            await connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                await connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    await connection.execute("ROLLBACK")
                raise

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._lock:
            connection = await self._connect()
            async with connection.execute(sql, tuple(params)) as cursor:
                return list(await cursor.fetchall())

    async def close(self) -> None:
        async with self._lock:
            if self._connection is not None:
                await self._connection.close()
                self._connection = None
