"""storage/direct.py runs the press's statements on the driver's connection, without SQLAlchemy's execution:
what it writes reads back through the ORM exactly as if SQLAlchemy had written it (times to the microsecond,
JSON, column defaults), its audit rows chain with the ORM's (keyed too), and a unit that fails or meets an
update already handled leaves nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from schedules import agenda
from storage import audit, direct, inbox, migrate
from storage.direct import Steps
from storage.engine import make_engine, make_sessions
from storage.models import AuditEvent, Outbox
from storage.unit import AlreadyHandled, Claim

T0 = datetime(2026, 9, 1, 8, 0, 0, 123456, tzinfo=UTC)
KEY = b"k" * 32


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "keyed"])
async def test_direct_writes_read_back_as_sqlalchemys_and_chain_with_the_orms(
    database_url: str, key: bytes | None
) -> None:
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    sessions = make_sessions(engine, audit_key=key)
    entry = agenda.Entry("dose_snooze", "dose:7:snooze:1", 42, T0 + timedelta(minutes=10), None, 7)

    def work(steps: Steps) -> int:
        agenda.enqueue_one(steps, entry, now=T0)
        audit.append_now(steps, key, at=T0, actor="patient", action="dose.taken", subject="dose:7", detail={"n": 1})
        steps.commit()
        return 1

    try:
        async with sessions() as session:
            audit.record(session, at=T0, actor="patient", action="dose.skipped", subject="dose:6")
            await session.commit()
        async with engine.connect() as conn:
            assert await direct.run(conn, work) == 1
        async with sessions() as session:
            audit.record(session, at=T0, actor="patient", action="dose.snoozed", subject="dose:8")
            await session.commit()
        verdict = await audit.verify(sessions, key=key)
        async with sessions() as session:
            rows = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
            out = (await session.exec(select(Outbox))).one()
    finally:
        await engine.dispose()
    assert (verdict.rows, verdict.broken_id, verdict.problem) == (3, None, "")
    assert [r.subject for r in rows] == ["dose:6", "dose:7", "dose:8"]
    assert (rows[1].at, rows[1].detail, rows[1].outcome) == (T0, {"n": 1}, "ok")
    assert (out.dedupe_key, out.chat_id, out.ref_id, out.due_at, out.created_at) == (
        "dose:7:snooze:1", 42, 7, T0 + timedelta(minutes=10), T0
    )  # fmt: skip
    assert (out.status, out.attempts, out.uncertain, out.late, out.payload) == ("pending", 0, False, False, None)


@pytest.mark.parametrize("fails", ["raises", "already handled"])
async def test_a_unit_that_fails_leaves_nothing(database_url: str, fails: str) -> None:
    """On PostgreSQL the audit row's INSERT waits and goes with the mark (storage/direct_with.py): a mark that
    finds the update handled takes it back with it."""
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    sessions = make_sessions(engine)
    claim = Claim(1, inbox.mark(1, {"update_id": 1}, T0))  # no such row: as if it had been handled
    claim.armed = True

    def work(steps: Steps) -> None:
        audit.append_now(steps, None, at=T0, actor="patient", action="dose.taken")
        if fails == "raises":
            raise RuntimeError("boom")
        steps.commit()  # the mark finds no row to mark: already handled

    try:
        async with engine.connect() as conn:
            with pytest.raises(RuntimeError if fails == "raises" else AlreadyHandled):
                await direct.run(conn, work, mark=claim)
        async with sessions() as session:
            assert (await session.exec(select(AuditEvent))).all() == []
    finally:
        await engine.dispose()
    assert not claim.marked
