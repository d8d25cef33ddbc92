"""When each kind of the tick's work is next due, read from the database in one statement.

The tick (schedules/tick.py) runs a step only when its moment has come, so a tick with nothing due costs
this one query. Every moment is read from the rows themselves at each tick, never remembered: a row added
by another process (a dose planned, a questionnaire opened, an update stored) is seen by the next tick
of every process. Each moment matches the WHERE clause of the step it gates, so a step skipped had
nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from care.helper_rules import UNCONFIRMED
from storage.queries import moments as moments_q
from storage.status import ENROLLED, OutboxStatus

OPEN_DOSES = ("sent", "snoozed")  # schedules/closing.py
OPEN_QUESTIONNAIRES = ("in_progress", "paused")  # schedules/questionnaires.py
CLAIMS = (OutboxStatus.CLAIMED, OutboxStatus.SENDING)  # schedules/dispatch.py recover()


@dataclass(frozen=True)
class Moments:
    """The earliest moment of each kind of timed work (None: none of that kind), and what waits now."""

    due: datetime | None  # a pending outbox row
    closing: datetime | None  # a sent reminder's day window
    expiring: datetime | None  # an open questionnaire
    planned_until: datetime | None  # an enrolled, reachable patient's planning horizon
    reviewed: datetime | None  # an enrolled patient's last daily review
    claimed: datetime | None = None  # the oldest claim on an outbox row (claimed or sending)
    unplanned: bool = False  # an enrolled, reachable patient with no plan yet
    unreviewed: bool = False  # an enrolled patient who consented and was never reviewed
    erasures: bool = False  # a failed erasure waits to be tried again (services/erasure_retry.py)
    inbox: bool = False  # a stored update not handled yet
    newest_flag: int = 0  # the newest flag's id (0: none): a cheap "anything new?"
    unconfirmed: datetime | None = None  # the newest closing of a dose left unconfirmed (the helpers' notices)
    handled: datetime | None = None  # the oldest handled update (retention)
    dialogue: datetime | None = None  # the oldest dialogue's last change, but an erasure's retry (retention)
    teams: tuple[int, ...] = ()  # changes when a team, a member or an alert chat does (the teams' digests)


async def next_moments(session: AsyncSession) -> Moments:
    """Every kind of timed work's earliest moment, in one query."""
    groups, row = await moments_q.earliest(
        session,
        open_doses=OPEN_DOSES,
        open_questionnaires=OPEN_QUESTIONNAIRES,
        enrolled_states=ENROLLED,
        claims=CLAIMS,
        unconfirmed=UNCONFIRMED,
    )
    moments = [min((m for m in map(_aware, group) if m is not None), default=None) for group in groups]
    due, closing, expiring, planned_until, reviewed, claimed = moments
    unplanned, unreviewed, erasures, inbox = (bool(flag) for flag in row[:4])
    return Moments(
        due,
        closing,
        expiring,
        planned_until,
        reviewed,
        claimed,
        unplanned,
        unreviewed,
        erasures,
        inbox,
        int(row[4] or 0),
        _aware(row[5]),
        _aware(row[6]),
        _aware(row[7]),
        tuple(int(n or 0) for n in row[8:]),
    )


def _aware(value: object) -> datetime | None:
    """Scalar subqueries lose the column type: parse and mark UTC what the driver hands back."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
