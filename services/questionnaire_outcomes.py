"""A completed questionnaire: scored, stored, checked against the rules, flags raised."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.adherence import adherence_summary
from care.b6 import phase_b6_mg_per_day
from care.flags import ResponseFacts
from care.pgic import Pgic
from care.protocol import Protocol
from care.regimens import Regimen
from care.scoring import QuestionnaireScore, score_response
from schedules import agenda, flagging
from schedules.flagging import dose_records
from services.questionnaire_views import items_of, load_answers, uses_injections
from storage.models import Patient, Questionnaire
from storage.queries import questionnaires as questionnaires_q


def score_to_dict(score: QuestionnaireScore) -> dict[str, Any]:
    return {
        k: (str(v) if isinstance(v, StrEnum) else list(v) if isinstance(v, tuple) else v)
        for k, v in asdict(score).items()
    }


def score_from_dict(data: dict[str, Any]) -> QuestionnaireScore:
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    values["pgic"] = Pgic(str(values["pgic"])) if values.get("pgic") else None
    return QuestionnaireScore(**values)


async def start_baseline(session: AsyncSession, *, patient: Patient, now: datetime) -> None:
    """Right after consent: the baseline questionnaire, through the outbox."""
    q = Questionnaire(patient_id=patient.id or 0, kind="baseline", week=0, due_at=now)
    session.add(q)
    await session.flush()
    assert patient.chat_id is not None
    assert q.id is not None
    baseline = agenda.Entry("questionnaire", agenda.key_questionnaire(q.id), patient.chat_id, now, patient.id, q.id)
    await agenda.enqueue(session, [baseline], now=now)


async def _earlier_scores(session: AsyncSession, q: Questionnaire) -> tuple[QuestionnaireScore | None, ...]:
    done = await questionnaires_q.completed_before(session, patient_id=q.patient_id, week=q.week)
    baseline = next((d for d in done if d.week == 0 and d.score), None)
    previous = done[-1] if done and done[-1].score else None
    return (
        score_from_dict(baseline.score) if baseline and baseline.score else None,
        score_from_dict(previous.score) if previous and previous.score else None,
    )


async def _context(session: AsyncSession, patient: Patient, now: datetime, protocol: Protocol) -> dict[str, Any]:
    """B6 from the current phase, recent adherence and baseline B12: facts the rules and alerts cite."""
    since = now - timedelta(days=protocol.adherence.window_days)
    doses, records = await dose_records(session, patient_id=patient.id or 0, since=since, now=now)
    summary = adherence_summary(records, now, patient.consented_at or now, protocol.adherence)
    regimen = Regimen.from_dict(patient.regimen)
    phase = regimen.phases[max((d.phase_index for d in doses), default=0)]
    b12 = None
    if patient.baseline_b12_value is not None:
        b12 = f"{patient.baseline_b12_value:g} {patient.baseline_b12_unit or ''} on {patient.baseline_b12_date}"
    return {
        "regimen_b6_mg_per_day": phase_b6_mg_per_day(phase),
        "adherence_fraction": summary.fraction,
        "baseline_b12": b12,
    }


async def complete(
    session: AsyncSession, q: Questionnaire, patient: Patient, *, now: datetime, protocol: Protocol
) -> None:
    items = items_of(q, protocol, injections=uses_injections(patient.regimen))
    score = score_response(items, load_answers(q.answers), protocol)
    baseline, previous = await _earlier_scores(session, q)
    facts = ResponseFacts(
        response_id=str(q.id),
        week=q.week,
        score=score,
        baseline=baseline,
        previous=previous,
        **await _context(session, patient, now, protocol),
    )
    await questionnaires_q.mark_completed(session, questionnaire_id=q.id, at=now, score=score_to_dict(score))
    await flagging.on_response(session, patient=patient, facts=facts, protocol=protocol, now=now)
    # the reminders held back while the patient was answering go out now; none other comes early
    await agenda.release(session, patient_id=patient.id or 0, now=now)
