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

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from schedules.agenda import pending
from storage.models import Dialogue, DoseEvent, Flag, InboxUpdate, Outbox, Patient, Questionnaire
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


def _min(column: object, *where: ColumnElement[bool]) -> sa.ScalarSelect[object]:
    return select(func.min(column)).where(*where).scalar_subquery()


def _exists(*where: ColumnElement[bool]) -> sa.Exists:
    return sa.exists().where(*where)


async def next_moments(session: AsyncSession) -> Moments:
    """Every kind of timed work's earliest moment, in one query."""
    enrolled = col(Patient.status).in_(ENROLLED)
    reachable = col(Patient.reachable).is_(True)
    query = sa.select(
        _min(Outbox.due_at, *pending()),
        _min(DoseEvent.closes_at, col(DoseEvent.status).in_(OPEN_DOSES)),
        _min(Questionnaire.expires_at, col(Questionnaire.status).in_(OPEN_QUESTIONNAIRES)),
        _min(Patient.planned_until, enrolled, reachable),
        _min(Patient.reviewed_at, enrolled),
        _min(Outbox.claimed_at, col(Outbox.status).in_(CLAIMS)),
        _exists(enrolled, reachable, col(Patient.planned_until).is_(None)),
        _exists(enrolled, col(Patient.consented_at).is_not(None), col(Patient.reviewed_at).is_(None)),
        _exists(col(Dialogue.kind) == "erase", col(Dialogue.step) == "retry"),
        _exists(col(InboxUpdate.processed_at).is_(None)),
        select(func.max(Flag.id)).scalar_subquery(),
    )
    row = (await session.execute(query)).one()
    due, closing, expiring, planned_until, reviewed, claimed = (_aware(moment) for moment in row[:6])
    unplanned, unreviewed, erasures, inbox = (bool(flag) for flag in row[6:10])
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
        int(row[10] or 0),
    )


def _aware(value: object) -> datetime | None:
    """Scalar subqueries lose the column type: parse and mark UTC what the driver hands back."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
