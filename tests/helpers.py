"""Small steps shared by the end-to-end tests: the same calls the CLI and a person make. They live in
bot/sandbox/steps.py (the benchmarks use them too); this module re-exports them for the tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event

from bot.sandbox.steps import (
    CLINICIAN,
    FORBIDDEN,
    TTL,
    audit_after,
    audit_mark,
    enrol,
    forbid,
    invite,
    snapshot,
    team_with_member,
)

__all__ = [
    "CLINICIAN",
    "FORBIDDEN",
    "TTL",
    "audit_after",
    "audit_mark",
    "enrol",
    "forbid",
    "invite",
    "local_time",
    "snapshot",
    "sql_statements",
    "team_with_member",
]


def local_time(at: datetime, tz: str) -> time:
    return at.astimezone(ZoneInfo(tz)).time().replace(second=0, microsecond=0)


@contextmanager
def sql_statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` (a sync engine: `.sync_engine` of an async one) runs inside the block, each
    on one line and cut at 160 characters, for the tests that count a step's statements."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
