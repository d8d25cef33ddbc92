"""Family helpers' links (helper_link rows, issue 14)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import HelperLink, Patient, Team


async def by_invite(session: AsyncSession, *, invite_id: int | None) -> HelperLink | None:
    """The link whose one-time invite this is."""
    return (await session.exec(select(HelperLink).where(HelperLink.invite_id == invite_id))).first()


async def active_of_chat(session: AsyncSession, *, chat_id: int) -> list[HelperLink]:
    """The active links of the helper of this chat."""
    query = select(HelperLink).where(col(HelperLink.helper_chat_id) == chat_id, HelperLink.status == "active")
    return list((await session.exec(query)).all())


async def of_patient(session: AsyncSession, *, patient_id: int, statuses: Sequence[str]) -> list[HelperLink]:
    """The patient's links in one of `statuses`."""
    query = select(HelperLink).where(HelperLink.patient_id == patient_id, col(HelperLink.status).in_(statuses))
    return list((await session.exec(query)).all())


async def all_of_patient(session: AsyncSession, *, patient_id: int | None) -> list[HelperLink]:
    """Every link of the patient, whatever its status, oldest first."""
    query = select(HelperLink).where(HelperLink.patient_id == patient_id).order_by(col(HelperLink.id))
    return list((await session.exec(query)).all())


async def delete_of_patient(session: AsyncSession, *, patient_id: int | None) -> int:
    """Every link of the patient is deleted; the rows deleted."""
    result: Any = await session.execute(delete(HelperLink).where(col(HelperLink.patient_id) == patient_id))
    return int(result.rowcount or 0)


async def active_with_patient_team(session: AsyncSession, *, patient_states: Sequence[str]) -> list[Any]:
    """(link, patient, team) of every active helper link whose patient is in `patient_states` and reachable."""
    query = (
        select(HelperLink, Patient, Team)
        .join(Patient, col(Patient.id) == HelperLink.patient_id)
        .join(Team, col(Team.id) == Patient.team_id)
        .where(
            HelperLink.status == "active",
            col(Patient.status).in_(patient_states),
            col(Patient.reachable).is_(True),
        )
    )
    return list((await session.exec(query)).all())
