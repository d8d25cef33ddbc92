"""Async engine and sessions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.unit import UnitSession, UnitSessions

Sessions = async_sessionmaker[AsyncSession]
AUDIT_KEY_INFO = "b12bot.audit_key"  # Session.info entry the audit chain reads its key from
# PostgreSQL: no ping on every checkout; connections are replaced after this long, and a connection found
# dead when used (a server restart, pg_terminate_backend) invalidates the pool: `retry_on_disconnect`
POOL_RECYCLE_SECONDS = 1800
T = TypeVar("T")
log = logging.getLogger(__name__)

# aiosqlite logs every statement at DEBUG as the call it runs, parameters (aliases, answers) included
logging.getLogger("aiosqlite").setLevel(logging.INFO)


class DatabaseUrlError(ValueError):
    pass


class DatabaseUnreachable(RuntimeError):
    """The database cannot be used (refused, unknown host or user...); the message never holds the password."""


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


def checked_url(url: str) -> str:
    """`normalise_url`, and the URL must parse (port, brackets); errors never echo the URL (it may hold a password)."""
    url = normalise_url(url)
    try:
        make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUrlError("DATABASE_URL is not a valid URL (check the host, port and database name)") from exc
    return url


def masked(url: str) -> str:
    """The URL as it may be shown: the password replaced by ***."""
    parsed = make_url(normalise_url(url))
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


async def probe(engine: AsyncEngine) -> None:
    """Connect once (SELECT 1); DatabaseUnreachable, naming the masked URL and the reason, when that fails."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        password = engine.url.password
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0] or type(exc).__name__
        if password:
            reason = reason.replace(str(password), "***")
        shown = masked(engine.url.render_as_string(hide_password=False))
        raise DatabaseUnreachable(f"cannot use the database {shown} (DATABASE_URL): {reason}") from None


def is_sqlite(url: str) -> bool:
    return normalise_url(url).startswith("sqlite")


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    url = normalise_url(url)
    # hide_parameters: SQL parameters (aliases, answers, token hashes) stay out of logs and exception messages
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if not url.startswith("sqlite"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_recycle=POOL_RECYCLE_SECONDS)
    else:
        from storage import sqlite_driver  # sqlite3 and SQLAlchemy's SQLite dialect (~1.7 MB) only on SQLite

        kwargs.update(module=sqlite_driver.module())  # one trip to aiosqlite's thread per statement
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


def make_sessions(engine: AsyncEngine, *, audit_key: bytes | None = None) -> Sessions:
    """Sessions; with `audit_key` (B12BOT_AUDIT_KEY) every audit row they write is chained by HMAC (storage.audit)."""
    info = {AUDIT_KEY_INFO: audit_key} if audit_key else {}
    return UnitSessions(engine, class_=UnitSession, expire_on_commit=False, info=info)


async def retry_on_disconnect(attempt: Callable[[], Awaitable[T]]) -> T:
    """Run `attempt`; once more if the database connection was found dead (the pool then starts afresh).
    Only for work that is one transaction, so that a failed first attempt left nothing behind."""
    try:
        return await attempt()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        log.warning("database connection lost; retrying on a new one")
        return await attempt()
