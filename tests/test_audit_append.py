"""`audit.append` (the dose press's Core path) writes the same chain as `audit.record` (the ORM flush): rows
from both, written by concurrent transactions, with and without B12BOT_AUDIT_KEY, verify as one chain."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from storage import audit, migrate
from storage.engine import make_engine, make_sessions
from storage.models import AuditEvent

T0 = datetime(2026, 9, 1, 8, 0, 0, 123456, tzinfo=UTC)
KEY = b"k" * 32


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "keyed"])
async def test_core_and_orm_appends_make_one_chain(database_url: str, key: bytes | None) -> None:
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    sessions = make_sessions(engine, audit_key=key)

    async def write(n: int) -> None:
        async with sessions() as session:
            at = T0 + timedelta(minutes=n)
            if n % 2:
                audit.record(session, at=at, actor="patient", action="dose.taken", subject=f"dose:{n}")
            else:
                await audit.append(
                    session, at=at, actor="patient", action="dose.taken", subject=f"dose:{n}", detail={"n": n}
                )
            await session.commit()

    try:
        await asyncio.gather(*(write(n) for n in range(10)))
        verdict = await audit.verify(sessions, batch=3, key=key)
        async with sessions() as session:
            rows = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    finally:
        await engine.dispose()
    assert (verdict.rows, verdict.broken_id, verdict.problem) == (10, None, "")
    assert verdict.keyed_from == (rows[0].id if key else None)
    assert sorted(r.subject or "" for r in rows) == sorted(f"dose:{n}" for n in range(10))
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert next(r for r in rows if r.subject == "dose:4").detail == {"n": 4}
