"""B12BOT_AUDIT_KEY: the audit chain as an HMAC, `audit verify --head`, and the switch of an existing chain.

Issue 12: anyone with write access could rewrite the plain sha256 chain (recompute every later hash) or cut
rows off its end, and `audit verify` said ok. With the key a rewrite needs the key; a head kept with a backup
catches a cut tail.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlmodel import col, select

from bot.cli import main
from bot.settings import Settings
from storage import audit, migrate
from storage.audit_key import AuditKeyError, check_key
from storage.engine import Sessions, make_engine, make_sessions
from storage.models import AuditEvent
from tests.helpers import forbid

KEY = b"k" * 16 + b"-audit-key-of-32+"
OTHER = b"o" * 40
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


async def write(sessions: Sessions, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        async with sessions() as session:
            audit.record(session, at=T0 + timedelta(minutes=i), actor=f"tg:{i}", action="dose.taken", detail={"n": i})
            await session.commit()


async def rows(sessions: Sessions) -> list[AuditEvent]:
    async with sessions() as session:
        return list((await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all())


async def sql(sessions: Sessions, statement: str, **params: object) -> None:
    async with sessions() as session:
        await session.execute(text(statement), params)
        await session.commit()


async def rewrite_from(sessions: Sessions, first: int, *, until: int | None = None) -> None:
    """What someone with write access and no key does: change row `first`, recompute every later sha256 (up to
    row `until`)."""
    ids = [row.id for row in await rows(sessions)]
    async with sessions() as session:
        prev = audit.GENESIS
        for row_id in ids:
            row = await session.get(AuditEvent, row_id)
            assert row is not None
            if row_id == first:
                row.actor = "tg:forged"
            if first <= row_id <= (until or row_id):
                row.prev_hash, row.row_hash = prev, audit.hash_of(row, prev)
            prev = row.row_hash
        await session.commit()


@pytest.fixture
async def engine_url(database_url: str) -> AsyncIterator[str]:
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    await engine.dispose()
    yield database_url


@pytest.fixture
async def plain(engine_url: str) -> AsyncIterator[Sessions]:
    engine = make_engine(engine_url)
    yield make_sessions(engine)
    await engine.dispose()


@pytest.fixture
async def keyed(engine_url: str) -> AsyncIterator[Sessions]:
    engine = make_engine(engine_url)
    yield make_sessions(engine, audit_key=KEY)
    await engine.dispose()


async def test_a_keyed_chain_verifies_with_its_key_only(keyed: Sessions) -> None:
    await write(keyed, 6)
    good = await audit.verify(keyed, key=KEY, batch=4)
    assert (good.rows, good.broken_id, good.keyed_from) == (6, None, 1)
    assert (await audit.verify(keyed, key=OTHER)).broken_id == 1
    without = await audit.verify(keyed)
    assert without.broken_id == 1 and "verify with the key" in without.problem


async def test_a_full_rewrite_without_the_key_passes_a_plain_chain_but_not_a_keyed_one(
    plain: Sessions, keyed: Sessions
) -> None:
    await write(keyed, 6)
    await rewrite_from(plain, 1)  # every row recomputed as plain sha256, the first one changed
    assert (await audit.verify(plain)).broken_id is None  # the hole: the plain chain cannot tell
    caught = await audit.verify(keyed, key=KEY)
    assert caught.broken_id == 6 and "no row is keyed" in caught.problem


async def test_a_rewritten_tail_of_a_keyed_chain_is_named(plain: Sessions, keyed: Sessions) -> None:
    await write(keyed, 6)
    await rewrite_from(plain, 4)
    caught = await audit.verify(keyed, key=KEY)
    assert caught.broken_id == 4 and "written without B12BOT_AUDIT_KEY after the chain became keyed at row 1" in (
        caught.problem
    )


async def test_a_cut_tail_is_caught_by_the_head_kept_with_a_backup(keyed: Sessions) -> None:
    await write(keyed, 8)
    backup = await audit.verify(keyed, key=KEY)
    assert backup.broken_id is None
    await write(keyed, 2, start=8)  # life goes on after the backup: the old head is still in the chain
    assert (await audit.verify(keyed, key=KEY, head=backup.head)).broken_id is None
    await sql(keyed, "DELETE FROM audit_event WHERE id >= 7")  # rows 7-10 cut off
    assert (await audit.verify(keyed, key=KEY)).broken_id is None  # the chain alone cannot tell
    caught = await audit.verify(keyed, key=KEY, head=backup.head)
    assert caught.broken_id == 6 and "is not in the chain" in caught.problem


async def test_an_unkeyed_chain_switches_when_the_key_is_set(plain: Sessions, keyed: Sessions) -> None:
    """Migration: 5 plain rows, then the key is set. Start-up records the switch; the old rows stay plain and
    are protected from then on (changing one breaks the link of the first keyed row)."""
    await write(plain, 5)
    assert await check_key(plain, key=None, now=T0) is None
    switch = await check_key(keyed, key=KEY, now=T0)
    assert switch == 6
    assert await check_key(keyed, key=KEY, now=T0) is None  # once
    await write(keyed, 2, start=5)
    chain = await rows(keyed)
    marker = chain[5]
    assert (marker.action, marker.actor, marker.detail) == ("audit.keyed", "system", {"after_row": 5})
    assert marker.prev_hash == chain[4].row_hash
    good = await audit.verify(keyed, key=KEY)
    assert (good.rows, good.broken_id, good.keyed_from) == (8, None, 6)
    without = await audit.verify(plain)
    assert without.broken_id == 6 and "verify with the key" in without.problem
    await rewrite_from(plain, 2, until=5)  # the plain part rewritten without the key
    assert (await audit.verify(keyed, key=KEY)).broken_id == 6  # the first keyed row's link


async def test_start_up_refuses_a_wrong_or_missing_key(plain: Sessions, keyed: Sessions, engine_url: str) -> None:
    await write(keyed, 3)
    other = make_engine(engine_url)
    with pytest.raises(AuditKeyError, match="does not match"):
        await check_key(make_sessions(other, audit_key=OTHER), key=OTHER, now=T0)
    await other.dispose()
    with pytest.raises(AuditKeyError, match="set it again"):
        await check_key(plain, key=None, now=T0)
    assert len(await rows(keyed)) == 3  # nothing written either way


def test_the_key_is_a_secret_of_at_least_32_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B12BOT_AUDIT_KEY", "short")
    with pytest.raises(ValidationError, match="at least 32"):
        Settings()
    monkeypatch.setenv("B12BOT_AUDIT_KEY", KEY.decode())
    settings = Settings()
    assert settings.audit_key == KEY and KEY.decode() not in repr(settings)


def test_cli_switch_verify_head_and_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    forbid(KEY.decode(), OTHER.decode())  # never logged (the log scan checks every record of this test)
    url = f"sqlite:///{tmp_path}/b12bot.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_USERNAME", "clinic_b12_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("B12BOT_AUDIT_KEY", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin"]) == 0  # row 1, plain
    monkeypatch.setenv("B12BOT_AUDIT_KEY", KEY.decode())
    assert main(["team", "join-link", "--team", "Neuro clinic"]) == 0  # row 2 audit.keyed, row 3 keyed
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 3 rows (head ") and out.strip().endswith("; keyed from row 2)")
    head = out.split("head ")[1].split(";")[0]
    assert main(["audit", "verify", "--head", head]) == 0

    async def cut() -> None:
        engine = make_engine(url)
        await sql(make_sessions(engine), "DELETE FROM audit_event WHERE id = 3")
        await engine.dispose()

    asyncio.run(cut())
    capsys.readouterr()
    assert main(["audit", "verify", "--head", head]) == 1
    assert "is not in the chain" in capsys.readouterr().out
    monkeypatch.setenv("B12BOT_AUDIT_KEY", OTHER.decode())
    assert main(["team", "join-link", "--team", "Neuro clinic"]) == 2
    err = capsys.readouterr().err
    assert "B12BOT_AUDIT_KEY does not match" in err and OTHER.decode() not in err
    monkeypatch.delenv("B12BOT_AUDIT_KEY")
    assert main(["team", "join-link", "--team", "Neuro clinic"]) == 2
    assert "set it again" in capsys.readouterr().err
