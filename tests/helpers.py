"""Small steps shared by the end-to-end tests: the same calls the CLI and a person make. They live in
bot/sandbox/steps.py (the benchmarks use them too); this module re-exports them for the tests."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

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
    "team_with_member",
]


def local_time(at: datetime, tz: str) -> time:
    return at.astimezone(ZoneInfo(tz)).time().replace(second=0, microsecond=0)
