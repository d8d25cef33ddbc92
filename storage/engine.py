"""Async engine and sessions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

Sessions = async_sessionmaker[AsyncSession]

# aiosqlite logs every statement at DEBUG as the call it runs, parameters (aliases, answers) included
logging.getLogger("aiosqlite").setLevel(logging.INFO)


class DatabaseUrlError(ValueError):
    pass


def normalise_url(url: str) -> str:
    """Accept plain `sqlite:///` and `postgresql://` URLs and pick the async drivers."""
    url = url.strip()
    for plain, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    if url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return url
    raise DatabaseUrlError(f"DATABASE_URL must start with sqlite:/// or postgresql:// (got {url.split(':', 1)[0]!r})")


def is_sqlite(url: str) -> bool:
    return normalise_url(url).startswith("sqlite")


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    url = normalise_url(url)
    # hide_parameters: SQL parameters (aliases, answers, token hashes) stay out of logs and exception messages
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if not url.startswith("sqlite"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            # deleted and overwritten content is zeroed in the file, not left in free pages (erasure)
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

    return engine


async def checkpoint(engine: AsyncEngine) -> bool:
    """SQLite: copy the write-ahead log into the database file and truncate it to zero bytes, so that page
    images written before an erasure are gone from the WAL too. False when a reader kept it from finishing
    (the caller tries again later). PostgreSQL: nothing to do here (see docs/data.md on VACUUM)."""
    if engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as conn:
        busy = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).first()
    return busy is None or int(busy[0]) == 0


def make_sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
