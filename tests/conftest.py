"""Shared fixtures: a fresh database per test, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

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


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """A new, empty database: a SQLite file, or a PostgreSQL database created for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/b12bot.db"
        return
    created = await _postgres_database()
    assert created is not None
    name, url = created
    try:
        yield url
    finally:
        await _drop(name)


@pytest.fixture
async def sqlite_url(tmp_path: object) -> AsyncIterator[str]:
    yield f"sqlite:///{tmp_path}/b12bot.db"
