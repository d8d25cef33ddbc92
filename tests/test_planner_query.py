"""Issue 17: the planner's batch read is two ranges of ix_patient_planning (status, planned_until) on SQLite, the
plan missing or ending before the top-up moment, not a walk through every enrolled patient's row: at 100,000
patients 1-5 ms a batch instead of 110-135 ms, and SQLite's page cache not filled with the patient table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.sandbox.procs import seed
from care.protocol import load_protocol
from schedules.planner import plan
from storage.engine import make_engine, make_sessions

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


async def test_the_planners_batch_read_uses_the_planning_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    await seed(url, 20, NOW, due=0, unplanned=5)
    engine = make_engine(url)
    reads: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM patient" in statement:
            reads.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await plan(make_sessions(engine), now=NOW, protocol=load_protocol(None)) > 0
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
        (statement, parameters), *_ = reads
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            steps = await raw.driver_connection.execute_fetchall(f"EXPLAIN QUERY PLAN {statement}", parameters)  # type: ignore[union-attr]
    finally:
        await engine.dispose()
    details = " | ".join(str(step[-1]) for step in steps)
    assert "MULTI-INDEX OR" in details and details.count("USING INDEX ix_patient_planning") == 2, details
