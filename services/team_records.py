"""A team's patients with their doses, questionnaires and flags, read once for the exports (CSV, FHIR, REDCap)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.errors import UserError
from storage.models import DoseEvent, Flag, Patient, Questionnaire, Team
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import patients as patients_q
from storage.queries import questionnaires as questionnaires_q
from storage.queries import teams as teams_q


@dataclass(frozen=True)
class TeamRecords:
    team: Team
    patients: Sequence[Patient]  # by alias
    doses: Sequence[DoseEvent]  # by due time
    questionnaires: Sequence[Questionnaire]  # by patient, then week
    flags: Sequence[Flag]  # by id


async def team_records(session: AsyncSession, *, team: str, erased: bool) -> TeamRecords:
    """The team named `team` (UserError when unknown) and its records; erased patients' stubs only if `erased`."""
    found = await teams_q.by_name(session, name=team)
    if found is None:
        raise UserError("err_team_unknown", name=team)
    patients = await patients_q.of_team(session, team_id=found.id, erased=erased)
    ids = [p.id or 0 for p in patients]
    doses = await doses_q.of_patients(session, ids=ids)
    questionnaires = await questionnaires_q.of_patients(session, ids=ids)
    flags = await flags_q.of_patients(session, ids=ids)
    return TeamRecords(found, patients, doses, questionnaires, flags)
