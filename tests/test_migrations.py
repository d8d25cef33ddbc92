"""Alembic: upgrade to head, downgrade to base, upgrade again, on both databases; models match head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage import migrate
from storage.engine import make_engine

TABLES = {
    "team",
    "team_member",
    "invite",
    "patient",
    "dose_event",
    "outbox",
    "inbox_update",
    "audit_event",
    "questionnaire",
    "flag",
    "dialogue",
}


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            assert set(await conn.run_sync(lambda c: inspect(c).get_table_names())) >= TABLES
        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        async with engine.connect() as conn:
            assert not TABLES & set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        await migrate.require_current(engine)
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine)

        def diff(conn: Connection) -> list[object]:
            return list(compare_metadata(MigrationContext.configure(conn), SQLModel.metadata))

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


async def test_run_refuses_an_old_schema(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        try:
            await migrate.require_current(engine)
        except migrate.SchemaOutOfDate as exc:
            assert "b12bot db upgrade" in str(exc)
        else:
            raise AssertionError("an empty database must be refused")
    finally:
        await engine.dispose()
