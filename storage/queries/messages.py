"""Patient messages (patient_message rows, issue 14): the thread's last writer, a patient's recent texts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import PatientMessage


async def last_writer(session: AsyncSession, *, patient_id: int | None) -> int | None:
    """The member who wrote to the patient last (their Telegram user id), if any."""
    query = (
        select(PatientMessage.member_user_id)
        .where(PatientMessage.patient_id == patient_id, PatientMessage.direction == "to_patient")
        .order_by(col(PatientMessage.id).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def from_patient_since(session: AsyncSession, *, patient_id: int | None, since: datetime) -> int:
    """How many texts the patient sent after `since`."""
    query = select(func.count()).where(
        col(PatientMessage.patient_id) == patient_id,
        col(PatientMessage.direction) == "from_patient",
        col(PatientMessage.created_at) > since,
    )
    return int((await session.execute(query)).scalar_one())


async def of_patient(session: AsyncSession, *, patient_id: int) -> list[PatientMessage]:
    """Every message of the patient, both directions, in the order written."""
    query = select(PatientMessage).where(PatientMessage.patient_id == patient_id).order_by(col(PatientMessage.id))
    return list((await session.exec(query)).all())


async def ids_and_updates(session: AsyncSession, *, patient_id: int | None) -> list[tuple[int | None, int | None]]:
    """(message id, the stored update it came in) of every message of the patient."""
    query = select(PatientMessage.id, PatientMessage.update_id).where(PatientMessage.patient_id == patient_id)
    return list((await session.exec(query)).all())


async def delete_of_patient(session: AsyncSession, *, patient_id: int | None) -> int:
    """Every message of the patient is deleted; the rows deleted."""
    result: Any = await session.execute(delete(PatientMessage).where(col(PatientMessage.patient_id) == patient_id))
    return int(result.rowcount or 0)
