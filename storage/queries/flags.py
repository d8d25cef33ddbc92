"""Flags: a patient's flags, the open ones and their counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import and_, col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Flag, Patient, Team
from storage.queries.dialect import insert_ignore, rowcount


async def of_patient(session: AsyncSession, *, patient_id: int) -> list[Flag]:
    """Every flag of one patient, in the order raised (by id)."""
    query = select(Flag).where(Flag.patient_id == patient_id).order_by(col(Flag.id))
    return list((await session.exec(query)).all())


async def open_of(session: AsyncSession, *, patient_id: int) -> list[Flag]:
    """The patient's flags not yet acknowledged, oldest first."""
    query = (
        select(Flag)
        .where(Flag.patient_id == patient_id, col(Flag.acknowledged_at).is_(None))
        .order_by(col(Flag.raised_at), col(Flag.id))
    )
    return list((await session.exec(query)).all())


async def open_counts(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, int]:
    """Patient id -> their flags not yet acknowledged (patients with none are left out)."""
    query = (
        select(Flag.patient_id, func.count())
        .where(col(Flag.patient_id).in_(ids), col(Flag.acknowledged_at).is_(None))
        .group_by(col(Flag.patient_id))
    )
    return {pid: int(n) for pid, n in (await session.exec(query)).all()}


async def of_patients(session: AsyncSession, *, ids: Sequence[int | None]) -> list[Flag]:
    """These patients' flags, in the order raised (by id)."""
    query = select(Flag).where(col(Flag.patient_id).in_(ids)).order_by(col(Flag.id))
    return list((await session.exec(query)).all())


async def of_kinds(session: AsyncSession, *, patient_id: int, kinds: Sequence[str]) -> list[Flag]:
    """The patient's flags of these kinds, acknowledged ones too, by the time raised."""
    query = select(Flag).where(Flag.patient_id == patient_id, col(Flag.kind).in_(kinds)).order_by(col(Flag.raised_at))
    return list((await session.exec(query)).all())


async def ids_of(session: AsyncSession, *, patient_id: int | None) -> list[int | None]:
    return list((await session.exec(select(Flag.id).where(Flag.patient_id == patient_id))).all())


async def acknowledge(session: AsyncSession, *, flag_id: int, by: int, at: datetime) -> bool:
    """Acknowledged by `by` at `at`, unless it already was: True when this call did it."""
    query = update(Flag).where(col(Flag.id) == flag_id, col(Flag.acknowledged_at).is_(None))
    result: Any = await session.execute(query.values(acknowledged_at=at, acknowledged_by=by))
    return int(result.rowcount or 0) == 1


async def assign(session: AsyncSession, *, flag_id: int, to: int) -> bool:
    """Assigned to `to`, unless it already was assigned: True when this call did it."""
    query = update(Flag).where(col(Flag.id) == flag_id, col(Flag.assigned_to).is_(None))
    result: Any = await session.execute(query.values(assigned_to=to))
    return int(result.rowcount or 0) == 1


async def delete_of_patient(session: AsyncSession, *, patient_id: int | None) -> int:
    """Every flag of the patient is deleted; the rows deleted."""
    result: Any = await session.execute(delete(Flag).where(col(Flag.patient_id) == patient_id))
    return int(result.rowcount or 0)


async def insert_new(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert the flags not seen before (unique per patient, kind and episode); the ids added."""
    stmt = insert_ignore(session, Flag).values(list(rows)).on_conflict_do_nothing().returning(col(Flag.id))
    return list((await session.execute(stmt)).scalars().all())


async def by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[Flag]:
    return list((await session.exec(select(Flag).where(col(Flag.id).in_(ids)))).all())


async def newest_id(session: AsyncSession) -> int:
    """The newest flag's id (0 when there is none)."""
    return int((await session.execute(select(func.max(Flag.id)))).scalar() or 0)


async def unowned_urgent_since(session: AsyncSession, *, severity: str, since: datetime) -> list[Any]:
    """(flag, patient, team) of the flags of `severity` raised since `since`, not escalated, acknowledged or
    assigned, of patients not erased, oldest first."""
    query = (
        select(Flag, Patient, Team)
        .join(Patient, col(Patient.id) == col(Flag.patient_id))
        .join(Team, col(Team.id) == col(Patient.team_id))
        .where(
            col(Flag.severity) == severity,
            col(Flag.escalated_at).is_(None),
            col(Flag.acknowledged_at).is_(None),
            col(Flag.assigned_to).is_(None),
            col(Flag.raised_at) >= since,
            col(Patient.status) != "erased",
        )
        .order_by(col(Flag.raised_at), col(Flag.id))
    )
    return list((await session.exec(query)).all())


async def claim_escalation(session: AsyncSession, *, flag_id: int | None, at: datetime) -> bool:
    """escalated_at = `at` while the flag is still unowned and not escalated: True when this call did it."""
    claimed = await session.execute(
        update(Flag)
        .where(
            col(Flag.id) == flag_id,
            col(Flag.escalated_at).is_(None),
            col(Flag.acknowledged_at).is_(None),
            col(Flag.assigned_to).is_(None),
        )
        .values(escalated_at=at)
    )
    return rowcount(claimed) == 1


async def of_kind_since(
    session: AsyncSession, *, patient_ids: Sequence[int | None], kind: str, since: datetime
) -> list[Flag]:
    """These patients' flags of `kind` raised since `since`."""
    query = select(Flag).where(col(Flag.patient_id).in_(patient_ids), Flag.kind == kind, col(Flag.raised_at) >= since)
    return list((await session.exec(query)).all())


async def of_kinds_in_teams_since(
    session: AsyncSession, *, kinds: Sequence[str], team_ids: Sequence[int | None], since: datetime
) -> list[Any]:
    """(flag, patient) of the flags of `kinds` raised since `since` for these teams' patients."""
    query = (
        select(Flag, Patient)
        .join(Patient, col(Patient.id) == col(Flag.patient_id))
        .where(col(Flag.kind).in_(kinds), col(Flag.raised_at) >= since, col(Patient.team_id).in_(team_ids))
    )
    return list((await session.exec(query)).all())


def _unowned_escalation(at: datetime) -> Any:
    """Escalated by `at` and still nobody's: acknowledged by no one, assigned to no one."""
    return and_(
        col(Flag.escalated_at).is_not(None),
        col(Flag.escalated_at) <= at,
        col(Flag.acknowledged_at).is_(None),
        col(Flag.assigned_to).is_(None),
    )


async def for_digest(session: AsyncSession, *, patient_ids: Sequence[int | None], at: datetime) -> list[Flag]:
    """The flags a digest due at `at` lists: raised by then and not in an earlier digest, or escalated and still
    unowned (until someone owns it, every digest lists it)."""
    query = select(Flag).where(
        col(Flag.patient_id).in_(patient_ids),
        col(Flag.raised_at) <= at,
        or_(col(Flag.digested_at).is_(None), col(Flag.digested_at) == at, _unowned_escalation(at)),
    )
    return list((await session.exec(query)).all())


async def open_count(session: AsyncSession, *, patient_ids: Sequence[int | None]) -> int:
    """How many of these patients' flags nobody acknowledged."""
    query = (
        select(func.count())
        .select_from(Flag)
        .where(col(Flag.patient_id).in_(patient_ids), col(Flag.acknowledged_at).is_(None))
    )
    return int((await session.execute(query)).scalar_one())


async def mark_digested(session: AsyncSession, *, ids: Sequence[int], at: datetime) -> None:
    """These flags were in the digest of `at` (those not in an earlier one)."""
    query = update(Flag).where(col(Flag.id).in_(list(ids)), col(Flag.digested_at).is_(None)).values(digested_at=at)
    await session.execute(query)
