"""The daily adherence review reads a batch of patients' doses in one query (issue 17): its statements do not
grow with the number of patients reviewed, and what it finds is unchanged (tests/test_flags_e2e.py,
tests/test_simulator.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import seed
from schedules.reviews import review_due
from tests.helpers import sql_statements

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


async def test_reviewing_two_hundred_patients_is_a_handful_of_statements(sqlite_url: str) -> None:
    await seed(sqlite_url, 200, NOW, due=200)  # reviewed now, one dose each (due now), so due for review tomorrow
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        later = NOW + timedelta(days=1, minutes=1)
        with sql_statements(sb.services.engine.sync_engine) as seen:
            await review_due(sb.services.sessions, now=later, protocol=sb.services.protocol)
        assert len(seen) <= 6, "\n".join(seen)  # before: one query of doses per patient (200 and more)
