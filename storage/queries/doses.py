"""Dose events: a patient's doses, the next one, the skip reason, the planned ones a stop ends."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, delete, update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DoseEvent, Patient
from storage.queries.dialect import insert_ignore


async def of_patients(session: AsyncSession, *, ids: Sequence[int], since: datetime | None = None) -> list[DoseEvent]:
    """These patients' doses (due at `since` or later when given), by due time."""
    query = select(DoseEvent).where(col(DoseEvent.patient_id).in_(ids)).order_by(col(DoseEvent.due_at))
    if since is not None:
        query = query.where(col(DoseEvent.due_at) >= since)
    return list((await session.exec(query)).all())


async def of_patient(session: AsyncSession, *, patient_id: int) -> list[DoseEvent]:
    """Every dose of one patient, by due time."""
    query = select(DoseEvent).where(DoseEvent.patient_id == patient_id).order_by(col(DoseEvent.due_at))
    return list((await session.exec(query)).all())


async def next_planned(session: AsyncSession, *, patient_id: int, after: datetime) -> datetime | None:
    """When the patient's next planned dose is due (after `after`)."""
    query = (
        select(col(DoseEvent.due_at))
        .where(
            col(DoseEvent.patient_id) == patient_id, col(DoseEvent.due_at) > after, col(DoseEvent.status) == "planned"
        )
        .order_by(col(DoseEvent.due_at))
        .limit(1)
    )
    return (await session.exec(query)).first()


async def due_between(session: AsyncSession, *, patient_id: int, after: datetime, until: datetime) -> list[DoseEvent]:
    """The patient's doses due after `after` up to `until` included, by due time."""
    query = (
        select(DoseEvent)
        .where(col(DoseEvent.patient_id) == patient_id, col(DoseEvent.due_at) > after, col(DoseEvent.due_at) <= until)
        .order_by(col(DoseEvent.due_at))
    )
    return list((await session.exec(query)).all())


async def set_skip_reason(session: AsyncSession, *, dose_id: int, reason: str) -> int:
    """The reason of a dose while it stays skipped; the rows changed (0 when it is not skipped)."""
    result: Any = await session.execute(
        update(DoseEvent)
        .where(col(DoseEvent.id) == dose_id, col(DoseEvent.status) == "skipped")
        .values(skip_reason=reason)
    )
    return int(result.rowcount or 0)


async def close_planned(session: AsyncSession, *, patient_id: int, note: str) -> int:
    """The patient's planned doses become not_sent (with `note`); the rows changed."""
    result: Any = await session.execute(
        update(DoseEvent)
        .where(col(DoseEvent.patient_id) == patient_id, col(DoseEvent.status) == "planned")
        .values(status="not_sent", note=note)
    )
    return int(result.rowcount or 0)


async def delete_of_patient(session: AsyncSession, *, patient_id: int | None) -> int:
    """Every dose of the patient is deleted; the rows deleted."""
    result: Any = await session.execute(delete(DoseEvent).where(col(DoseEvent.patient_id) == patient_id))
    return int(result.rowcount or 0)


async def close_due(session: AsyncSession, *, now: datetime, states: Sequence[str]) -> list[int]:
    """Doses in `states` whose window closed by `now` become 'unconfirmed'; their ids."""
    closed = await session.execute(
        update(DoseEvent)
        .where(col(DoseEvent.status).in_(states), col(DoseEvent.closes_at) <= now)
        .values(status="unconfirmed")
        .returning(col(DoseEvent.id))
    )
    return list(closed.scalars().all())


async def shown_with_chat(session: AsyncSession, *, ids: Sequence[int]) -> list[Any]:
    """(dose id, patient id, patient chat) of these doses that have a reminder message."""
    query = (
        select(DoseEvent.id, DoseEvent.patient_id, Patient.chat_id)
        .join(Patient, col(Patient.id) == col(DoseEvent.patient_id))
        .where(col(DoseEvent.id).in_(ids), col(DoseEvent.message_id).is_not(None))
    )
    return list((await session.exec(query)).all())


async def of_patient_due(
    session: AsyncSession, *, patient_id: int, since: datetime, until: datetime, states: Collection[str]
) -> list[DoseEvent]:
    """The patient's doses in `states` due in [since, until]."""
    query = select(DoseEvent).where(
        DoseEvent.patient_id == patient_id,
        col(DoseEvent.due_at) >= since,
        col(DoseEvent.due_at) <= until,
        col(DoseEvent.status).in_(states),
    )
    return list((await session.exec(query)).all())


_FACTS_DUE = (  # built once; the columns the daily review reads, not whole rows (no ORM object per dose)
    sa.select(
        col(DoseEvent.id),
        col(DoseEvent.patient_id),
        col(DoseEvent.due_at),
        col(DoseEvent.status),
        col(DoseEvent.route),
        col(DoseEvent.taken_at),
        col(DoseEvent.skip_reason),
    )
    .where(
        col(DoseEvent.patient_id).in_(bindparam("ids", expanding=True)),
        col(DoseEvent.due_at) >= bindparam("since"),
        col(DoseEvent.due_at) <= bindparam("until"),
        col(DoseEvent.status).in_(bindparam("states", expanding=True)),
    )
    .order_by(col(DoseEvent.patient_id), col(DoseEvent.id))
)


async def facts_of_patients_due(
    session: AsyncSession, *, patient_ids: Sequence[int], since: datetime, until: datetime, states: Collection[str]
) -> list[Any]:
    """The doses in `states` due in [since, until] of these patients, by patient and id (one query for a batch):
    rows of id, patient_id, due_at, status, route, taken_at and skip_reason."""
    params = {"ids": list(patient_ids), "since": since, "until": until, "states": list(states)}
    return list((await session.execute(_FACTS_DUE, params)).all())


async def latest_of_patient(
    session: AsyncSession,
    *,
    patient_id: int | None,
    limit: int,
    since: datetime | None = None,
    states: Collection[str] | None = None,
    only: Collection[str] | None = None,
) -> list[DoseEvent]:
    """The patient's latest `limit` doses, newest first: due since `since`, in `states` (and in `only`) when given."""
    query = select(DoseEvent).where(DoseEvent.patient_id == patient_id)
    if since is not None:
        query = query.where(col(DoseEvent.due_at) >= since)
    if states is not None:
        query = query.where(col(DoseEvent.status).in_(states))
    if only is not None:
        query = query.where(col(DoseEvent.status).in_(only))
    return list((await session.exec(query.order_by(col(DoseEvent.due_at).desc()).limit(limit))).all())


async def insert_planned(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Insert the doses not planned yet (unique per patient and due time); (id, patient id, due) of each added.
    An executemany on the table (SQLAlchemy's insertmanyvalues: one cached statement, batched), not a VALUES
    list compiled per call, whose 5,000 bind parameters a slice cost ~7 MB at the planner's peak (issue 17)."""
    if not rows:
        return []
    table = DoseEvent.__table__  # type: ignore[attr-defined]
    stmt = insert_ignore(session, table).on_conflict_do_nothing()
    stmt = stmt.returning(table.c.id, table.c.patient_id, table.c.due_at)
    return list((await session.execute(stmt, list(rows))).all())


async def planned_after(session: AsyncSession, *, patient_id: int, after: datetime) -> list[Any]:
    """(id, due_at, local_date, phase_index, phase_start, slot) of the patient's planned doses due after `after`."""
    d = DoseEvent
    fields = (col(d.id), col(d.due_at), col(d.local_date), col(d.phase_index), col(d.phase_start), col(d.slot))
    query = sa.select(*fields).where(col(d.patient_id) == patient_id, col(d.status) == "planned", col(d.due_at) > after)
    return list((await session.execute(query)).all())


async def delete_ids(session: AsyncSession, *, ids: Sequence[int]) -> None:
    await session.execute(delete(DoseEvent).where(col(DoseEvent.id).in_(ids)))


async def states_of(session: AsyncSession, *, ids: Sequence[int], now: datetime, since: datetime | None) -> list[Any]:
    """(patient id, status, phase index) of these patients' doses due by `now` (and since `since` when given)."""
    query = select(DoseEvent.patient_id, DoseEvent.status, DoseEvent.phase_index).where(
        col(DoseEvent.patient_id).in_(ids), col(DoseEvent.due_at) <= now
    )
    if since is not None:
        query = query.where(col(DoseEvent.due_at) >= since)
    return list((await session.exec(query)).all())


async def last_answers(session: AsyncSession, *, ids: Sequence[int]) -> list[Any]:
    """(patient id, the latest answer to a reminder) of these patients."""
    query = select(DoseEvent.patient_id, func.max(DoseEvent.answered_at)).where(col(DoseEvent.patient_id).in_(ids))
    return list((await session.execute(query.group_by(col(DoseEvent.patient_id)))).all())
