"""Alembic: upgrade to head, downgrade to base, upgrade again, on both databases; models match head."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage import audit, migrate
from storage.engine import make_engine, make_sessions
from storage.tokens import token_hash

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


BEFORE_0005 = "0005_erasure_person-1"  # the revision before it, whatever the chain becomes
PATIENT_0002 = text(
    "INSERT INTO patient (team_id, alias, status, reachable, timezone, reminder_time, regimen_code, regimen,"
    " therapy_start, language, created_at) VALUES (1, :alias, 'invited', true, 'UTC', '09:00', 'oral-high', '{}',"
    " :day, 'en', :at)"
)
INBOX_0002 = text("INSERT INTO inbox_update (update_id, payload, received_at) VALUES (:id, :payload, :at)")
RAW_TOKEN = "T" * 43


async def _seed_0002(engine: AsyncEngine, aliases: list[str]) -> datetime:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    stamp = at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at
    async with engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO team (id, name, timezone, digest_time, language, created_at) VALUES (1, 'T', 'UTC',"
                 " '08:00', 'en', :at)"),
            {"at": stamp},
        )  # fmt: skip
        for alias in aliases:
            await conn.execute(PATIENT_0002, {"alias": alias, "day": date(2026, 1, 2), "at": stamp})
    return stamp


async def test_0005_stops_on_aliases_that_differ_only_in_case_and_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine, BEFORE_0005)
        await _seed_0002(engine, ["MK-17", "QX-2", "mk-17"])
        with pytest.raises(Exception, match=r"differ only in case:\n  team 1: patient 1 'MK-17'\n  team 1: patient 3"):
            await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == "0004_patientux"
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE patient SET alias = 'MK-17b' WHERE id = 3"))
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_0005_fills_in_the_senders_masks_stored_tokens_and_downgrades(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await migrate.upgrade(engine, BEFORE_0005)
        stamp = await _seed_0002(engine, [])
        user = {"id": 2001, "is_bot": False, "first_name": "Pat"}
        start = {"update_id": 7, "message": {"message_id": 1, "date": 1, "chat": {"id": 2001, "type": "private"},
                                             "from": user, "text": f"/start {RAW_TOKEN}"}}  # fmt: skip
        press = {"update_id": 8, "callback_query": {"id": "q", "from": user, "chat_instance": "c", "data": "d1:1:t",
                                                    "message": {"message_id": 2, "date": 1,
                                                                "chat": {"id": 2001, "type": "private"}}}}  # fmt: skip
        async with engine.begin() as conn:
            for update in (start, press):
                values = {"id": update["update_id"], "payload": json.dumps(update), "at": stamp}
                await conn.execute(INBOX_0002, values)
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT update_id, chat_id, user_id, payload FROM inbox_update"))).all()
        by_id = {r[0]: (r[1], r[2], r[3] if isinstance(r[3], dict) else json.loads(r[3])) for r in rows}
        assert by_id[7][:2] == (2001, 2001) and by_id[8][:2] == (2001, 2001)
        assert by_id[7][2]["message"]["text"] == "/start ~" + token_hash(RAW_TOKEN)
        assert RAW_TOKEN not in json.dumps(by_id[8][2])
        await migrate.downgrade(engine, BEFORE_0005)
        async with engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("inbox_update")})
        assert not {"chat_id", "user_id"} & columns
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


BEFORE_0006 = "0006_conversation-1"  # the revision before it, whatever the chain becomes


async def test_0006_conversation_adds_and_drops_only_its_tables(database_url: str) -> None:
    """Issue 14: patient_message and helper_link come with 0006_conversation and go with its downgrade."""
    engine = make_engine(database_url)
    mine = {"patient_message", "helper_link"}
    try:
        await migrate.upgrade(engine, BEFORE_0006)
        async with engine.connect() as conn:
            before = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert not mine & before
        await migrate.upgrade(engine, "0006_conversation")
        async with engine.connect() as conn:
            assert set(await conn.run_sync(lambda c: inspect(c).get_table_names())) == before | mine
        await migrate.downgrade(engine, BEFORE_0006)
        async with engine.connect() as conn:
            assert set(await conn.run_sync(lambda c: inspect(c).get_table_names())) == before
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


BEFORE_0007 = "0007_team_safety-1"


async def test_0007_team_safety_adds_and_drops_its_two_columns(database_url: str) -> None:
    """Issue 14: team.hours and flag.escalated_at come with 0007_team_safety and go with its downgrade."""
    engine = make_engine(database_url)

    async def columns() -> tuple[set[str], set[str]]:
        async with engine.connect() as conn:
            return (
                await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("team")}),
                await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("flag")}),
            )

    try:
        await migrate.upgrade(engine, BEFORE_0007)
        team, flag = await columns()
        assert "hours" not in team and "escalated_at" not in flag
        await migrate.upgrade(engine, "0007_team_safety")
        assert await columns() == (team | {"hours"}, flag | {"escalated_at"})
        await migrate.downgrade(engine, BEFORE_0007)
        assert await columns() == (team, flag)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_0008_teamux_digest_adds_empty_digest_short_for_existing_teams_and_drops_it(database_url: str) -> None:
    """Issue 13: team.empty_digest comes with 0008 ("short" for a team that existed before) and goes with its
    downgrade."""
    engine = make_engine(database_url)

    async def columns() -> set[str]:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("team")})

    try:
        await migrate.upgrade(engine, "0007_team_safety")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO team (name, timezone, digest_time, language, created_at) "
                    "VALUES ('T', 'UTC', '08:00', 'en', :at)"
                ),
                {"at": datetime(2026, 12, 1, tzinfo=UTC)},
            )
        before = await columns()
        assert "empty_digest" not in before
        await migrate.upgrade(engine, "0008_teamux_digest")
        assert await columns() == before | {"empty_digest"}
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT empty_digest FROM team"))).scalar_one() == "short"
        await migrate.downgrade(engine, "0007_team_safety")
        assert await columns() == before
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_0009_audit_place_adds_and_drops_its_function_and_the_chain_still_verifies(database_url: str) -> None:
    """Issue 17: PostgreSQL's audit writers take their place (lock, ids, last hash) through b12bot_audit_place,
    which comes with 0009 and goes with its downgrade; SQLite has nothing to add."""
    engine = make_engine(database_url)
    postgres = engine.dialect.name == "postgresql"
    query = text("SELECT count(*) FROM pg_proc WHERE proname = 'b12bot_audit_place'")

    async def functions() -> int:
        async with engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one()) if postgres else 0

    try:
        await migrate.upgrade(engine, "0008_teamux_digest")
        assert await functions() == 0
        await migrate.upgrade(engine, "0009_audit_place")
        assert await functions() == (1 if postgres else 0)
        sessions = make_sessions(engine)
        for n in range(3):
            async with sessions() as session:
                audit.record(session, at=datetime(2026, 12, 6, tzinfo=UTC), actor="cli", action=f"new.{n}")
                await session.commit()
        assert (await audit.verify(sessions)).rows == 3
        await migrate.downgrade(engine, "0008_teamux_digest")
        assert await functions() == 0
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    """`b12bot run` reads the head from the migration files without Alembic; it must be Alembic's own head."""
    from alembic.script import ScriptDirectory

    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


async def test_the_current_revision_of_an_empty_database_is_none(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine, "0002")
        assert await migrate.current_revision(engine) == "0002"
    finally:
        await engine.dispose()
