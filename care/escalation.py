"""When an urgent alert nobody owns is posted again (issue 14, 'Urgent alerts escalate until someone owns them').

Pure: facts and `now` in, an answer out.

- Raised inside the team's reading hours (or the team has set none: it reads at any time): due
  `escalate_after` (protocol `alerts.escalate_after_minutes`, 60) after it was raised.
- Raised outside them: due at the start of the next reading window (`care.hours.next_open`), not before:
  raised Friday 18:00 with "Mon-Fri 08:00-17:00" is due Monday 08:00.
- Only urgent flags; acknowledged or assigned before the moment: never; escalated already: never again.
- A moment that passed more than `alerts.escalate_stale_after_days` ago is not acted on (an outage of a
  week, or flags older than escalation found on upgrade): the daily digests have listed the flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from care.hours import Hours, is_open, next_open
from care.protocol import Alerts

URGENT = "urgent"
NEXT_OPEN_WITHIN = timedelta(days=8)  # care.hours.next_open looks at most a week and a day ahead


@dataclass(frozen=True)
class AlertFacts:
    severity: str
    raised_at: datetime
    acknowledged: bool
    assigned: bool
    escalated: bool


def due_at(raised_at: datetime, hours: Hours | None, tz: ZoneInfo, alerts: Alerts) -> datetime:
    """The moment an unowned urgent flag raised at `raised_at` is posted again (UTC)."""
    if is_open(hours, raised_at, tz):
        return (raised_at + alerts.escalate_after).astimezone(UTC)
    return next_open(hours, raised_at, tz)


def waiting(facts: AlertFacts) -> bool:
    """Still a candidate: urgent, nobody owns it, not posted again yet."""
    return facts.severity == URGENT and not (facts.acknowledged or facts.assigned or facts.escalated)


def escalate_now(facts: AlertFacts, hours: Hours | None, tz: ZoneInfo, alerts: Alerts, now: datetime) -> bool:
    """Post it again now? (Its moment has come, and has not passed so long ago that it is stale.)"""
    if not waiting(facts):
        return False
    due = due_at(facts.raised_at, hours, tz, alerts)
    return due <= now and now - due <= alerts.escalate_stale_after


def raised_since(now: datetime, alerts: Alerts) -> datetime:
    """The earliest `raised_at` that can still be due and not stale at `now` (for the scan's query)."""
    return now - alerts.escalate_stale_after - max(alerts.escalate_after, NEXT_OPEN_WITHIN)
