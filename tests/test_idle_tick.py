"""A tick costs what its work costs (issue 17): with nothing due it is one query, at 1,000 patients as at
100,000; work that appears, here added by another process, is done by the next tick of this one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import CHAT0, seed
from schedules import agenda
from storage.engine import make_engine, make_sessions
from storage.models import DoseEvent, Patient
from tests.helpers import sql_statements

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MOST = 2  # statements an idle tick may cost


async def idle_tick(sb: Sandbox) -> list[str]:
    """The SQL statements of one tick, 30 s after the last."""
    sb.clock.advance(timedelta(seconds=30))
    with sql_statements(sb.services.engine.sync_engine) as seen:
        await sb.tick()
    return seen


async def another_process_plans_a_reminder(url: str) -> None:
    """A reminder due now, written by another process (its own engine), for the first seeded patient."""
    engine = make_engine(url)
    try:
        async with make_sessions(engine)() as session:
            patient = (await session.execute(select(Patient).where(Patient.chat_id == CHAT0))).scalar_one()
            dose = DoseEvent(patient_id=patient.id or 0, due_at=NOW, local_date=NOW.date(), route="oral",
                             closes_at=NOW + timedelta(days=1))  # fmt: skip
            session.add(dose)
            await session.flush()
            entry = agenda.Entry("dose_reminder", agenda.key_dose(dose.id or 0), CHAT0, NOW, patient.id, dose.id)
            await agenda.enqueue(session, [entry], now=NOW)
            await session.commit()
    finally:
        await engine.dispose()


async def check_idle_then_work(url: str, patients: int) -> None:
    await seed(url, patients, NOW, due=0)  # planned 30 days ahead, reviewed now: nothing is due
    async with Sandbox(database_url=url, start=NOW) as sb:
        sb.api.add_private_chat({"id": CHAT0, "first_name": "P0"})
        await sb.tick()  # the first tick of a process runs every throttled step once
        for _ in range(3):
            statements = await idle_tick(sb)
            assert len(statements) <= MOST, "\n".join(statements)
        await another_process_plans_a_reminder(url)
        assert not sb.api.sent_to(CHAT0)
        assert len(await idle_tick(sb)) > MOST  # that tick has work: it sends the reminder
        (reminder,) = sb.api.sent_to(CHAT0)
        assert "Time for your vitamin B12" in (reminder.text or "")
        assert len(await idle_tick(sb)) <= MOST  # and is idle again


@pytest.mark.parametrize("patients", [1_000, 100_000])
async def test_an_idle_tick_is_one_query_whatever_the_number_of_patients(sqlite_url: str, patients: int) -> None:
    await check_idle_then_work(sqlite_url, patients)


async def test_an_idle_tick_on_postgres(postgres_url: str) -> None:
    await check_idle_then_work(postgres_url, 1_000)
