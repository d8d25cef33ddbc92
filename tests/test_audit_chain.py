"""The tamper-evident audit trail: every kind of tampering is named at its first broken row; `audit verify`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from storage import audit, migrate
from storage.engine import Sessions, make_engine, make_sessions

T0 = datetime(2026, 9, 1, 8, 0, 0, 123456, tzinfo=UTC)
ROWS = 12


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    """A database at head holding 12 chained audit rows, written by several concurrent transactions."""
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    made = make_sessions(engine)

    async def write(n: int) -> None:
        async with made() as session:
            audit.record(
                session, at=T0 + timedelta(minutes=n), actor=f"tg:{n}", action="dose.taken", subject=f"dose:{n}"
            )
            audit.record(session, at=T0, actor="patient", action="x", detail={"n": n, "é": [1.5, None, True]})
            await session.commit()

    await asyncio.gather(*(write(n) for n in range(ROWS // 2)))
    yield made
    await engine.dispose()


async def sql(sessions: Sessions, statement: str, **params: object) -> None:
    async with sessions() as session:
        await session.execute(text(statement), params)
        await session.commit()


async def dialect(sessions: Sessions) -> str:
    async with sessions() as session:
        assert session.bind is not None
        return session.bind.dialect.name


async def ids(sessions: Sessions) -> list[int]:
    async with sessions() as session:
        return [int(r[0]) for r in (await session.execute(text("SELECT id FROM audit_event ORDER BY id"))).all()]


async def test_an_untouched_chain_is_ok(sessions: Sessions) -> None:
    verdict = await audit.verify(sessions, batch=5)  # several batches
    assert (verdict.rows, verdict.broken_id) == (ROWS, None)
    async with sessions() as session:
        first = (await session.execute(text("SELECT prev_hash, row_hash FROM audit_event ORDER BY id"))).first()
    assert first is not None and first[0] == audit.GENESIS and len(first[1]) == 64


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("detail", json.dumps({"n": 99})),
        ("actor", "tg:666"),
        ("at", "2026-09-01 08:00:01.123456"),
        ("outcome", "refused"),
        ("subject", "patient:2"),
    ],
)
async def test_a_changed_row_is_named(sessions: Sessions, column: str, value: str) -> None:
    target = (await ids(sessions))[5]
    if column == "at" and await dialect(sessions) == "postgresql":  # a second later
        await sql(sessions, "UPDATE audit_event SET at = at + INTERVAL '1 second' WHERE id = :i", i=target)
    else:
        await sql(sessions, f"UPDATE audit_event SET {column} = :v WHERE id = :i", v=value, i=target)
    verdict = await audit.verify(sessions)
    assert verdict.broken_id == target and verdict.rows == 6
    assert "does not match its content" in verdict.problem


async def test_a_deleted_row_is_named_by_the_row_after_it(sessions: Sessions) -> None:
    rows = await ids(sessions)
    await sql(sessions, "DELETE FROM audit_event WHERE id = :i", i=rows[3])
    verdict = await audit.verify(sessions)
    assert verdict.broken_id == rows[4] and "prev_hash does not match" in verdict.problem


async def test_a_forged_row_is_named(sessions: Sessions) -> None:
    rows = await ids(sessions)
    await sql(sessions, "DELETE FROM audit_event WHERE id = :i", i=rows[-1])  # make room, then forge in its place
    async with sessions() as session:
        prev = (await session.execute(text("SELECT row_hash FROM audit_event WHERE id = :i"), {"i": rows[-2]})).scalar()
    forged = {"i": rows[-1], "at": T0.replace(tzinfo=None), "p": prev, "h": "f" * 64}
    await sql(
        sessions,
        "INSERT INTO audit_event (id, at, actor, action, outcome, prev_hash, row_hash) "
        "VALUES (:i, :at, 'cli', 'export', 'ok', :p, :h)",
        **forged,
    )
    verdict = await audit.verify(sessions)
    assert verdict.broken_id == rows[-1] and "does not match its content" in verdict.problem
    # a forged row inserted in the middle breaks the link of the row after it
    await sql(sessions, "DELETE FROM audit_event WHERE id = :i", i=rows[-1])
    await sql(sessions, "UPDATE audit_event SET id = :n WHERE id = :i", n=rows[-1] + 100, i=rows[-2])
    await sql(
        sessions,
        "INSERT INTO audit_event (id, at, actor, action, outcome, prev_hash, row_hash) "
        "VALUES (:i, :at, 'cli', 'export', 'ok', :p, :h)",
        **{**forged, "i": rows[-2], "p": audit.GENESIS},
    )
    assert (await audit.verify(sessions)).broken_id == rows[-2]


def test_cli_audit_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/b12bot.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_USERNAME", "clinic_b12_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 rows")

    async def tamper() -> None:
        engine = make_engine(url)
        await sql(make_sessions(engine), "UPDATE audit_event SET actor = 'someone else'")
        await engine.dispose()

    asyncio.run(tamper())
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out.startswith("broken at row 1: row_hash does not match its content")
