"""The store: one async engine (SQLite by default, PostgreSQL when configured) and its repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from talkline.settings import Settings
from talkline.store.errors import StoreConfigError
from talkline.store.schema import Base
from talkline.store.sessions import SessionHistory
from talkline.store.transcripts import Transcripts

R = TypeVar("R")

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
SUPPORTED = ("sqlite+aiosqlite", "postgresql+asyncpg")


class Store:
    """Owns the engine; `transcripts` and `sessions` are the platform's repositories built on it, and an
    application gets its own with `repository(Kind)`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self._repositories: dict[Callable[..., Any], Any] = {}
        self.transcripts = Transcripts(self._sessionmaker)
        self.sessions = SessionHistory(self._sessionmaker)

    def repository(self, kind: Callable[[async_sessionmaker[AsyncSession]], R]) -> R:
        """An application's repository on this store (made once per store)."""
        if kind not in self._repositories:
            self._repositories[kind] = kind(self._sessionmaker)
        return self._repositories[kind]

    async def start(self) -> None:
        """Create missing tables (idempotent): the platform's and those the applications declared."""
        async with self.engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def create_store(url: str) -> Store:
    """A store for `sqlite+aiosqlite:///path` or `postgresql+asyncpg://…` (plain `sqlite:`/`postgresql:` work too)."""
    parsed = _async_url(url)
    if parsed.drivername.startswith("sqlite"):
        return Store(_sqlite_engine(parsed))
    return Store(create_async_engine(parsed, pool_pre_ping=True))


def store_url(settings: Settings) -> str:
    """`TALKLINE_DATABASE_URL` if set, else the embedded SQLite file in the data directory."""
    return settings.database_url or f"sqlite+aiosqlite:///{settings.sqlite_path}"


def _async_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreConfigError("the database URL is not a valid URL") from None
    parsed = parsed.set(drivername=ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername))
    if parsed.drivername not in SUPPORTED:
        shown = parsed.render_as_string(hide_password=True)
        raise StoreConfigError(f"unsupported database URL {shown}: use one of {', '.join(SUPPORTED)}")
    return parsed


def _sqlite_engine(url: URL) -> AsyncEngine:
    in_memory = url.database in (None, "", ":memory:")
    if in_memory:  # every connection would otherwise get its own empty database
        engine = create_async_engine(url, poolclass=StaticPool)
    else:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
        engine = create_async_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:  # readers do not block the writer (several workers share one file)
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine
