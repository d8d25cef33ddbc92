"""When an unowned urgent alert is posted again (care/escalation.py): inside and outside the team's hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from care.escalation import AlertFacts, due_at, escalate_now, raised_since
from care.hours import parse_hours
from care.protocol import Alerts, default_protocol, sources

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = parse_hours("Mon-Fri 08:00-17:00")
A = default_protocol().alerts


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026 (Berlin is UTC+1; the 4th is a Friday), as UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def facts(raised: datetime, severity: str = "urgent", **owned: bool) -> AlertFacts:
    return AlertFacts(
        severity, raised, owned.get("acknowledged", False), owned.get("assigned", False), owned.get("escalated", False)
    )


def test_default_is_sixty_minutes_sourced_to_issue_14() -> None:
    assert A.escalate_after == timedelta(minutes=60)
    assert "Issue 14" in sources()["alerts.escalate_after_minutes"]
    assert sources()["alerts.escalate_stale_after_days"].startswith("Operational")


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        (berlin(4, 18), berlin(7, 8)),  # Friday evening: Monday's opening, not before
        (berlin(5, 10), berlin(7, 8)),  # Saturday
        (berlin(1, 7, 59), berlin(1, 8)),  # a minute before opening: at the opening
        (berlin(1, 8), berlin(1, 9)),  # at the opening: inside, 60 minutes
        (berlin(1, 10, 30), berlin(1, 11, 30)),
        (berlin(1, 16, 59), berlin(1, 17, 59)),  # raised inside: counted from then, even past closing
        (berlin(1, 17), berlin(2, 8)),  # closing time is outside: the next morning
    ],
)
def test_due_inside_and_outside_hours(raised: datetime, due: datetime) -> None:
    assert due_at(raised, HOURS, BERLIN, A) == due


def test_no_hours_set_means_always_reading() -> None:
    assert due_at(berlin(5, 3), None, BERLIN, A) == berlin(5, 4)
    assert due_at(berlin(5, 3), None, BERLIN, Alerts(escalate_after_minutes=15)) == berlin(5, 3, 15)


def test_only_an_unowned_urgent_flag_not_yet_escalated_and_only_once_due() -> None:
    raised = berlin(1, 10)
    due = berlin(1, 11)
    assert not escalate_now(facts(raised), HOURS, BERLIN, A, due - timedelta(seconds=1))
    assert escalate_now(facts(raised), HOURS, BERLIN, A, due)
    for owned in ("acknowledged", "assigned", "escalated"):
        assert not escalate_now(facts(raised, **{owned: True}), HOURS, BERLIN, A, due), owned
    for severity in ("warning", "info"):
        assert not escalate_now(facts(raised, severity), HOURS, BERLIN, A, due), severity


def test_a_moment_long_past_is_stale() -> None:
    raised = berlin(1, 10)
    due = berlin(1, 11)
    assert escalate_now(facts(raised), HOURS, BERLIN, A, due + timedelta(days=7))
    assert not escalate_now(facts(raised), HOURS, BERLIN, A, due + timedelta(days=7, seconds=1))
    # the scan's query reaches back far enough for any flag that can still be due and fresh
    friday = berlin(4, 17, 30)
    monday = due_at(friday, HOURS, BERLIN, A)
    assert raised_since(monday + A.escalate_stale_after, A) <= friday
