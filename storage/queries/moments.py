"""The tick's one statement: the earliest moment of each kind of timed work, read from the rows themselves
(schedules/moments.py turns it into `Moments`). Each moment matches the WHERE clause of the step it gates.

The statement is built and compiled once per dialect and set of states (its SQL text, with the states as
literals), not at every tick: building the select and its cache key cost more than SQLite running it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlalchemy.engine import Dialect
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Dialogue, DoseEvent, Flag, InboxUpdate, Outbox, Patient, Questionnaire, Team, TeamMember
from storage.status import OutboxStatus


def _earliest(column: Any, status: Any, statuses: Sequence[str], *where: ColumnElement[bool]) -> list[Any]:
    """min(column) per status: an equality on the leading column of a (status, moment) index lets each be one
    index probe (PostgreSQL does not take a MIN through an IN list: it scans every row of those states)."""
    return [select(func.min(column)).where(col(status) == one, *where).scalar_subquery() for one in statuses]


def _exists(*where: ColumnElement[bool]) -> sa.Exists:
    return sa.exists().where(*where)


@functools.lru_cache(maxsize=16)
def _statement(
    dialect: Dialect,
    open_doses: tuple[str, ...],
    open_questionnaires: tuple[str, ...],
    enrolled_states: tuple[str, ...],
    claims: tuple[str, ...],
    unconfirmed: str,
) -> tuple[sa.TextClause, tuple[int, ...]]:
    """The statement as SQL text for `dialect`, and the sizes of its groups of moments."""
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
        # what the upkeep steps are planned from: the newest unconfirmed dose's closing (a helper's notice),
        # the oldest handled update and the oldest dialogue not waiting to be retried (retention)
        select(func.max(DoseEvent.closes_at)).where(col(DoseEvent.status) == unconfirmed).scalar_subquery(),
        select(func.min(InboxUpdate.processed_at)).where(col(InboxUpdate.processed_at).is_not(None)).scalar_subquery(),
        select(func.min(Dialogue.updated_at))
        .where(~((col(Dialogue.kind) == "erase") & (col(Dialogue.step) == "retry")))
        .scalar_subquery(),
        # the teams' digests are planned from: the newest team and member, the active members, the alert chats
        select(func.max(Team.id)).scalar_subquery(),
        select(func.max(TeamMember.id)).scalar_subquery(),
        select(func.count()).select_from(TeamMember).where(col(TeamMember.active).is_(True)).scalar_subquery(),
        select(func.count(col(Team.alert_chat_id)) + func.coalesce(func.sum(Team.alert_chat_id), 0)).scalar_subquery(),
    )
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return sa.text(sql), tuple(len(group) for group in groups)


async def earliest(
    session: AsyncSession,
    *,
    open_doses: Sequence[str],
    open_questionnaires: Sequence[str],
    enrolled_states: Sequence[str],
    claims: Sequence[str],
    unconfirmed: str,
) -> tuple[list[list[Any]], list[Any]]:
    """In one query: per kind (a pending outbox row's due time, an open dose's closing, an open questionnaire's
    expiry, a reachable enrolled patient's planning horizon, an enrolled patient's last review, the oldest claim)
    the earliest moment per state, as the driver hands them back; then whether an enrolled reachable patient
    has no plan, an enrolled consented one was never reviewed, an erasure waits to be retried, an update waits,
    the newest flag's id; the newest closing of a dose left `unconfirmed`, the oldest handled update, the oldest
    dialogue (not an erasure to retry); the newest team's and member's ids, the active members, and the alert
    chats (their count plus their sum)."""
    statement, sizes = _statement(
        session.get_bind().dialect,
        tuple(open_doses),
        tuple(open_questionnaires),
        tuple(enrolled_states),
        tuple(claims),
        unconfirmed,
    )
    row = list((await session.execute(statement)).one())
    values = []
    for size in sizes:
        values.append(row[:size])
        del row[:size]
    return values, row
