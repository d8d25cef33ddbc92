"""A team's patients with their doses and questionnaires, read once for the exports (CSV and FHIR)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import UserError
from storage.models import DoseEvent, Patient, Questionnaire, Team


@dataclass(frozen=True)
class TeamRecords:
    team: Team
    patients: Sequence[Patient]  # by alias
    doses: Sequence[DoseEvent]  # by due time
    questionnaires: Sequence[Questionnaire]  # by patient, then week


async def team_records(session: AsyncSession, *, team: str, erased: bool) -> TeamRecords:
    """The team named `team` (UserError when unknown) and its records; erased patients' stubs only if `erased`."""
    found = (await session.exec(select(Team).where(Team.name == team))).first()
    if found is None:
        raise UserError("err_team_unknown", name=team)
    query = select(Patient).where(Patient.team_id == found.id)
    if not erased:
        query = query.where(col(Patient.erased_at).is_(None))
    patients = (await session.exec(query.order_by(col(Patient.alias)))).all()
    ids = [p.id for p in patients]
    doses = (
        await session.exec(select(DoseEvent).where(col(DoseEvent.patient_id).in_(ids)).order_by(col(DoseEvent.due_at)))
    ).all()
    questionnaires = (
        await session.exec(
            select(Questionnaire)
            .where(col(Questionnaire.patient_id).in_(ids))
            .order_by(col(Questionnaire.patient_id), col(Questionnaire.week))
        )
    ).all()
    return TeamRecords(found, patients, doses, questionnaires)
