"""Alembic: upgrade to head, downgrade to base, upgrade again, on both databases; models match head."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage import audit, migrate
from storage.engine import make_engine, make_sessions

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
    "patient_message",
    "helper_link",
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


OLD_AUDIT_INSERT = text(
    "INSERT INTO audit_event (at, actor, action, subject, outcome, detail) VALUES (:a, :b, :c, :d, 'ok', :e)"
)
INSERTED_DETAIL = '{{"n": {}, "x": [1.5, "\\u00e9"]}}'


async def test_0002_chains_existing_audit_rows_and_downgrades(database_url: str) -> None:
    """Audit rows written before 0002 get their chain on upgrade; 0002 down drops only its columns."""
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine, "0001")
        at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        stamp = at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at
        async with engine.begin() as conn:
            for n in range(3):
                values = {"a": stamp, "b": "cli", "c": f"old.{n}", "d": f"patient:{n}", "e": INSERTED_DETAIL.format(n)}
                await conn.execute(OLD_AUDIT_INSERT, values)
        await migrate.upgrade(engine)
        sessions = make_sessions(engine)
        async with sessions() as session:
            audit.record(session, at=at, actor="cli", action="new", detail={"k": "v"})
            await session.commit()
        verdict = await audit.verify(sessions)
        assert (verdict.rows, verdict.broken_id) == (4, None)

        def columns(c: Connection, table: str) -> set[str]:
            return {col["name"] for col in inspect(c).get_columns(table)}

        await migrate.downgrade(engine, "0001")
        async with engine.connect() as conn:
            assert not {"prev_hash", "row_hash"} & await conn.run_sync(columns, "audit_event")
            assert "erased_at" not in await conn.run_sync(columns, "patient")
            assert (await conn.execute(text("SELECT count(*) FROM audit_event"))).scalar() == 4
        await migrate.upgrade(engine)
        assert (await audit.verify(sessions)).broken_id is None
    finally:
        await engine.dispose()


async def test_0003_conversation_adds_and_drops_only_its_tables(database_url: str) -> None:
    """Issue 14: patient_message and helper_link come with 0003_conversation and go with its downgrade."""
    engine = make_engine(database_url)
    mine = {"patient_message", "helper_link"}
    try:
        await migrate.upgrade(engine, "0002")
        async with engine.connect() as conn:
            before = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert not mine & before
        await migrate.upgrade(engine, "0003_conversation")
        async with engine.connect() as conn:
            assert set(await conn.run_sync(lambda c: inspect(c).get_table_names())) == before | mine
        await migrate.downgrade(engine, "0002")
        async with engine.connect() as conn:
            assert set(await conn.run_sync(lambda c: inspect(c).get_table_names())) == before
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()
