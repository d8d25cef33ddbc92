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


async def test_a_patients_presses_chain_under_the_audit_key(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The press takes B12BOT_AUDIT_KEY from the sessions it is given: with a key, Taken and Snooze rows are
    chained by HMAC, and the chain verifies with the key (and not without it)."""
    from datetime import date

    from bot.sandbox.harness import Sandbox
    from bot.sandbox.updates import VirtualUser
    from tests.helpers import enrol, invite, team_with_member

    secret = "s" * 40
    monkeypatch.setenv("B12BOT_AUDIT_KEY", secret)
    pat = VirtualUser(2001, "Pat")
    async with Sandbox(database_url=database_url, start=datetime(2026, 2, 1, 12, 0, tzinfo=UTC)) as sb:
        await team_with_member(sb)
        await enrol(sb, pat, await invite(sb, start=date(2026, 2, 2)))
        await sb.run_until(datetime(2026, 2, 2, 8, 0, 5, tzinfo=UTC))
        await sb.send(sb.users.press_button(pat, sb.api.last_to(pat.id), "Snooze"))
        await sb.run_until(datetime(2026, 2, 2, 8, 40, tzinfo=UTC))
        await sb.send(sb.users.press_button(pat, sb.api.last_to(pat.id), "Taken"))
        keyed = await audit.verify(sb.services.sessions, key=secret.encode())
        plain = await audit.verify(sb.services.sessions)
        async with sb.services.sessions() as session:
            actions = [r.action for r in (await session.exec(select(AuditEvent))).all()]
    assert "dose.snoozed" in actions and "dose.taken" in actions
    assert (keyed.broken_id, keyed.problem) == (None, "") and keyed.keyed_from is not None
    assert plain.broken_id is not None  # keyed rows do not verify as plain ones
