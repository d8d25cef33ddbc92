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


MEMBER_INSERT = text(
    "INSERT INTO team_member (team_id, telegram_user_id, role, active, joined_at) VALUES (:t, :u, 'clinician', :a, :j)"
)
TEAM_INSERT = text(
    "INSERT INTO team (id, name, timezone, digest_time, language, created_at) VALUES (:i, :n, 'UTC', '08:00', 'en', :c)"
)
BEFORE_0003 = "0003_teamtrust_members-1"  # the revision before it, whatever the chain becomes


async def test_0003_teamtrust_makes_each_teams_first_active_member_admin_and_downgrades(database_url: str) -> None:
    """Teams made before 0003 get an admin (the earliest active member); down drops username, admin → clinician."""
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine, BEFORE_0003)
        days = [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3)]
        stamps = [d.replace(tzinfo=None) if engine.dialect.name == "sqlite" else d for d in days]
        async with engine.begin() as conn:
            for team_id in (1, 2):
                await conn.execute(
                    text(
                        "INSERT INTO team (id, name, timezone, digest_time, language, created_at) "
                        "VALUES (:i, :n, 'UTC', '08:00', 'en', :c)"
                    ),
                    {"i": team_id, "n": f"T{team_id}", "c": stamps[0]},
                )
            # team 1: a removed member joined first, then 11, then 12; team 2: only 21
            for team_id, user, active, joined in (
                (1, 10, False, 0),
                (1, 12, True, 2),
                (1, 11, True, 1),
                (2, 21, True, 0),
            ):
                await conn.execute(MEMBER_INSERT, {"t": team_id, "u": user, "a": active, "j": stamps[joined]})
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            roles = dict((await conn.execute(text("SELECT telegram_user_id, role FROM team_member"))).all())
            assert roles == {10: "clinician", 11: "admin", 12: "clinician", 21: "admin"}
            assert "username" in await conn.run_sync(
                lambda c: {x["name"] for x in inspect(c).get_columns("team_member")}
            )
        await migrate.downgrade(engine, BEFORE_0003)
        async with engine.connect() as conn:
            roles = dict((await conn.execute(text("SELECT telegram_user_id, role FROM team_member"))).all())
            assert set(roles.values()) == {"clinician"}
            assert "username" not in await conn.run_sync(
                lambda c: {x["name"] for x in inspect(c).get_columns("team_member")}
            )
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


BEFORE_0004 = "0004_patientux-1"  # the revision before it, whatever the chain becomes


async def test_0004_patientux_dose_details_backfill_and_downgrade(database_url: str) -> None:
    """0004_patientux adds the dose's planned zone (existing doses get their patient's), the time taken and
    the skip reason; down drops just those columns and keeps the doses."""
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine, BEFORE_0004)
        at = datetime(2026, 11, 3, 8, tzinfo=UTC)
        stamp = at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO team (name, timezone, digest_time, language, created_at) "
                    "VALUES ('T', 'UTC', '08:00', 'en', :a)"
                ),
                {"a": stamp},
            )
            await conn.execute(
                text(
                    "INSERT INTO patient (team_id, alias, status, reachable, timezone, reminder_time, regimen_code, "
                    "regimen, therapy_start, language, created_at) VALUES (1, 'A-1', 'active', true, "
                    "'Europe/Berlin', '09:00', 'oral-high', '{}', '2026-11-03', 'en', :a)"
                ),
                {"a": stamp},
            )
            await conn.execute(
                text(
                    "INSERT INTO dose_event (patient_id, due_at, local_date, phase_index, phase_start, slot, route, "
                    "status, late, snoozes, closes_at, answered_at) VALUES (1, :a, '2026-11-03', 0, false, 0, "
                    "'oral', 'taken', false, 0, :a, :a)"
                ),
                {"a": stamp},
            )
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            zone, taken = (await conn.execute(text("SELECT timezone, taken_at FROM dose_event"))).one()
        assert zone == "Europe/Berlin" and taken is not None

        def columns(c: Connection, table: str) -> set[str]:
            return {col["name"] for col in inspect(c).get_columns(table)}

        await migrate.downgrade(engine, BEFORE_0004)
        async with engine.connect() as conn:
            assert not {"timezone", "taken_at", "skip_reason"} & await conn.run_sync(columns, "dose_event")
            assert (await conn.execute(text("SELECT count(*) FROM dose_event"))).scalar() == 1
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
