"""Flags: a patient's flags, the open ones and their counts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Flag


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
