"""The tick's one statement: the earliest moment of each kind of timed work, read from the rows themselves
(schedules/moments.py turns it into `Moments`). Each moment matches the WHERE clause of the step it gates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Dialogue, DoseEvent, Flag, InboxUpdate, Outbox, Patient, Questionnaire
from storage.status import OutboxStatus


def _earliest(column: Any, status: Any, statuses: Sequence[str], *where: ColumnElement[bool]) -> list[Any]:
    """min(column) per status: an equality on the leading column of a (status, moment) index lets each be one
    index probe (PostgreSQL does not take a MIN through an IN list: it scans every row of those states)."""
    return [select(func.min(column)).where(col(status) == one, *where).scalar_subquery() for one in statuses]


def _exists(*where: ColumnElement[bool]) -> sa.Exists:
    return sa.exists().where(*where)


async def earliest(
    session: AsyncSession,
    *,
    open_doses: Sequence[str],
    open_questionnaires: Sequence[str],
    enrolled_states: Sequence[str],
    claims: Sequence[str],
) -> tuple[list[list[Any]], list[Any]]:
    """In one query: per kind (a pending outbox row's due time, an open dose's closing, an open questionnaire's
    expiry, a reachable enrolled patient's planning horizon, an enrolled patient's last review, the oldest claim)
    the earliest moment per state, as the driver hands them back; then whether an enrolled reachable patient
    has no plan, an enrolled consented one was never reviewed, an erasure waits to be retried, an update waits,
    and the newest flag's id."""
    enrolled = col(Patient.status).in_(enrolled_states)
    reachable = col(Patient.reachable).is_(True)
    groups = [
        _earliest(Outbox.due_at, Outbox.status, [OutboxStatus.PENDING]),
        _earliest(DoseEvent.closes_at, DoseEvent.status, open_doses),
        _earliest(Questionnaire.expires_at, Questionnaire.status, open_questionnaires),
        _earliest(Patient.planned_until, Patient.status, enrolled_states, reachable),
        _earliest(Patient.reviewed_at, Patient.status, enrolled_states),
        _earliest(Outbox.claimed_at, Outbox.status, claims),
    ]
    query = sa.select(
        *(subquery for group in groups for subquery in group),
        _exists(enrolled, reachable, col(Patient.planned_until).is_(None)),
        _exists(enrolled, col(Patient.consented_at).is_not(None), col(Patient.reviewed_at).is_(None)),
        _exists(col(Dialogue.kind) == "erase", col(Dialogue.step) == "retry"),
        _exists(col(InboxUpdate.processed_at).is_(None)),
        select(func.max(Flag.id)).scalar_subquery(),
    )
    row = list((await session.execute(query)).one())
    values = []
    for group in groups:
        values.append(row[: len(group)])
        del row[: len(group)]
    return values, row
