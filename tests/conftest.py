"""Shared fixtures: a fresh database per test, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from bot.app import SANDBOX_TOKEN
from tests import helpers

PG_ADMIN_DSN = os.environ.get("B12BOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"


async def _postgres_database() -> tuple[str, str] | None:
    try:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {PG_ADMIN_DSN}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN} ({exc}); start it to run these tests")
        return None
    name = f"b12bot_test_{uuid.uuid4().hex[:12]}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


async def _drop(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A PostgreSQL database created for one test and dropped after it."""
    created = await _postgres_database()
    assert created is not None
    name, url = created
    try:
        yield url
    finally:
        await _drop(name)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """A new, empty database: a SQLite file, or a PostgreSQL database created for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/b12bot.db"
        return
    async with fresh_postgres() as url:
        yield url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database only, for behaviour that exists on PostgreSQL alone (several processes).
    Fails under CI=true when PostgreSQL is not reachable."""
    async with fresh_postgres() as url:
        yield url


@pytest.fixture
async def sqlite_url(tmp_path: object) -> AsyncIterator[str]:
    yield f"sqlite:///{tmp_path}/b12bot.db"


class LogScan(logging.Handler):
    """Keeps every record of a test (root at DEBUG); `leaks()` names the forbidden strings they contain."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @staticmethod
    def text(record: logging.LogRecord) -> str:
        try:
            parts = [record.getMessage()]
        except Exception:  # a record whose args do not fit its format: scan both raw
            parts = [str(record.msg), repr(record.args)]
        parts.extend(str(v) for k, v in record.__dict__.items() if k not in _STANDARD)  # extra={...}
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(logging.Formatter().formatException(record.exc_info))
        return "\n".join(parts)

    def leaks(self, forbidden: set[str]) -> list[tuple[str, str]]:
        """(forbidden string, logger name) for every record that contains one."""
        found = []
        for record in self.records:
            text = self.text(record)
            found.extend((s, record.name) for s in forbidden if s in text)
        return found


_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_SECRET_NAMES = ("SECRET", "WEBHOOK_SECRET", "TOKEN", "BOT_TOKEN")


@pytest.fixture(autouse=True)
def log_scan(request: pytest.FixtureRequest) -> Iterator[LogScan]:
    """The whole suite logs at DEBUG; no record may hold the bot token, a webhook secret, or an invite
    token, alias or answer a test seeded (FORBIDDEN in bot/sandbox/steps.py, re-exported by tests/helpers.py;
    a module's SECRET/TOKEN too)."""
    helpers.FORBIDDEN.clear()
    helpers.forbid(SANDBOX_TOKEN)
    for name in _SECRET_NAMES:
        value = getattr(request.module, name, None)
        if isinstance(value, str) and len(value) >= 8:
            helpers.forbid(value)
    scan = LogScan()
    root, engine = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels, handlers = (root.level, engine.level), list(root.handlers)
    root.addHandler(scan)
    root.setLevel(logging.DEBUG)
    engine.setLevel(logging.INFO)  # as echo=True: every statement (SQLAlchemy keeps itself at WARNING)
    try:
        yield scan
    finally:
        # also drop handlers the test added (the CLI's stderr handler writes to a capture closed after it)
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(levels[0])
        engine.setLevel(levels[1])
    leaks = scan.leaks(helpers.FORBIDDEN)
    assert not leaks, f"forbidden strings in the logs (string, logger): {sorted(set(leaks))[:10]}"
