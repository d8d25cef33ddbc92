"""What the claimed outbox rows name, read in one statement for schedules/decide.py (issue 17): each row with
its patient, its dose and its questionnaire as plain tuples, not ORM objects (a tenth of the cost a row).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Text, cast
from sqlalchemy import select as sa_select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DoseEvent, Outbox, Patient, Questionnaire


class ClaimedRow(NamedTuple):
    id: int
    kind: str
    chat_id: int
    due_at: datetime
    uncertain: bool
    patient_id: int | None
    payload: dict[str, Any] | None
    error: str | None


class PatientOf(NamedTuple):
    id: int
    status: str
    reachable: bool
    language: str
    timezone: str
    regimen: dict[str, Any]


class DoseOf(NamedTuple):
    id: int
    status: str
    due_at: datetime
    patient_id: int
    route: str
    phase_index: int
    phase_start: bool
    local_date: date
    snoozes: int
    message_id: int | None
    nudge_message_id: int | None


class QuestionnaireOf(NamedTuple):
    id: int
    status: str
    due_at: datetime
    kind: str
    week: int


Claimed = tuple[ClaimedRow, PatientOf | None, DoseOf | None, QuestionnaireOf | None]


async def claimed(session: AsyncSession, *, ids: Sequence[int], dose_kinds: Collection[str]) -> list[Claimed]:
    """These outbox rows with what each names, None where it names nothing: its patient, its dose (a row of
    `dose_kinds`), its questionnaire (a questionnaire row). One read in Core (no ORM objects); the regimens
    are read as text and parsed once per distinct regimen, not once a row."""
    box, patient, dose, q = (m.__table__ for m in (Outbox, Patient, DoseEvent, Questionnaire))  # type: ignore[union-attr]
    b, p, d = box.c, patient.c, dose.c
    columns = [b[name] for name in ClaimedRow._fields]
    columns += [p.id, p.status, p.reachable, p.language, p.timezone, cast(p.regimen, Text)]
    columns += [d[name] for name in DoseOf._fields] + [q.c[name] for name in QuestionnaireOf._fields]
    query = (
        sa_select(*columns)
        .select_from(box)
        .join(patient, p.id == b.patient_id, isouter=True)
        .join(dose, (d.id == b.ref_id) & b.kind.in_(dose_kinds), isouter=True)
        .join(q, (q.c.id == b.ref_id) & (b.kind == "questionnaire"), isouter=True)
        .where(b.id.in_(ids))
    )
    regimens: dict[str, dict[str, Any]] = {}
    rows: list[Claimed] = []
    for row in (await session.execute(query)).all():
        patient_of = dose_of = questionnaire_of = None
        if row[8] is not None:
            text = row[13]
            if text not in regimens:
                regimens[text] = json.loads(text)
            patient_of = PatientOf._make((*row[8:13], regimens[text]))
        if row[14] is not None:
            dose_of = DoseOf._make(row[14:25])
        if row[25] is not None:
            questionnaire_of = QuestionnaireOf._make(row[25:30])
        rows.append((ClaimedRow._make(row[:8]), patient_of, dose_of, questionnaire_of))
    return rows
