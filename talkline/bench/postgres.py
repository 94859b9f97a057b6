"""A throwaway PostgreSQL database on the machine's server (trust auth on loopback), via psql."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

ADMIN = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "database": "test"}


def _psql(sql: str) -> None:
    result = subprocess.run(["psql", "-h", ADMIN["host"], "-p", ADMIN["port"], "-U", ADMIN["user"], "-d",
                             ADMIN["database"], "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    if result.returncode:
        raise RuntimeError(f"PostgreSQL is needed by this test and refused `{sql}`: {result.stderr.strip()}")


@contextmanager
def throwaway_database() -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database, dropped afterwards."""
    name = f"talkline_t_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://{ADMIN['user']}@{ADMIN['host']}:{ADMIN['port']}/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
