"""The daily adherence review reads a batch of patients' doses in one query (issue 17): its statements do not
grow with the number of patients reviewed, and what it finds is unchanged (tests/test_flags_e2e.py,
tests/test_simulator.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import seed
from schedules.reviews import review_due

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


async def test_reviewing_two_hundred_patients_is_a_handful_of_statements(sqlite_url: str) -> None:
    await seed(sqlite_url, 200, NOW, due=200)  # reviewed now, one dose each (due now), so due for review tomorrow
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        seen: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(" ".join(statement.split())[:100])

        engine = sb.services.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            later = NOW + timedelta(days=1, minutes=1)
            await review_due(sb.services.sessions, now=later, protocol=sb.services.protocol)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(seen) <= 6, "\n".join(seen)  # before: one query of doses per patient (200 and more)
