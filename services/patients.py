"""A patient's own commands: status, pause, resume, stop; and blocking the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from schedules import agenda
from schedules.records import mark_unreachable
from services.consent import first_dose
from storage import audit
from storage.engine import Sessions
from storage.models import Patient
from storage.queries import doses as doses_q
from storage.queries import outbox as outbox_q
from storage.queries import patients as patients_q
from storage.status import ENROLLED

HISTORY_DAYS = 7


async def patient_for_chat(sessions: Sessions, chat_id: int) -> Patient | None:
    async with sessions() as session:
        return await patients_q.by_chat(session, chat_id=chat_id)


@dataclass(frozen=True)
class StatusView:
    status: str
    regimen_title: str
    timezone: str
    language: str
    next_dose: datetime | None
    history: tuple[tuple[date, datetime, str], ...]  # local date, due, status
    regimen: dict[str, Any] = field(default_factory=dict)  # for the regimen in the patient's language
    # per history entry: when the patient was reminded (or the dose was due) and the zone it was planned in
    reminded: tuple[tuple[datetime, str], ...] = ()


async def status(sessions: Sessions, *, chat_id: int, now: datetime) -> StatusView | None:
    async with sessions() as session:
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        if patient is None:
            return None
        pid = patient.id or 0
        next_dose = await doses_q.next_planned(session, patient_id=pid, after=now)
        past = await doses_q.due_between(session, patient_id=pid, after=now - timedelta(days=HISTORY_DAYS), until=now)
    return StatusView(
        patient.status,
        str(patient.regimen.get("title", patient.regimen_code)),
        patient.timezone,
        patient.language,
        next_dose,
        tuple((d.local_date, d.due_at, d.status) for d in past),
        dict(patient.regimen),
        tuple((d.sent_at or d.due_at, d.timezone or patient.timezone) for d in past),
    )


@dataclass(frozen=True)
class PauseResult:
    outcome: str  # changed unchanged not_enrolled stopped
    next_dose: datetime | None = None
    timezone: str = "UTC"


async def set_paused(sessions: Sessions, *, chat_id: int, paused: bool, now: datetime) -> PauseResult:
    async with sessions() as session:
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        if patient is None:
            return PauseResult("not_enrolled")
        if patient.status not in ENROLLED:
            return PauseResult("discharged" if patient.status == "discharged" else "stopped")
        wanted = "paused" if paused else "active"
        if patient.status == wanted:
            return PauseResult("unchanged", None, patient.timezone)
        patient.status = wanted
        if not paused and (patient.planned_until is None or patient.planned_until < now):
            patient.planned_until = now
        audit.record(session, at=now, actor="patient", action=f"patient.{wanted}", subject=f"patient:{patient.id}")
        await session.commit()
        return PauseResult("changed", None if paused else first_dose(patient, now), patient.timezone)


async def stop(sessions: Sessions, *, chat_id: int, now: datetime) -> str:
    """Stop every message to this patient. 'stopped', 'already' or 'not_enrolled'."""
    async with sessions() as session:
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        if patient is None:
            return "not_enrolled"
        if patient.status in ("stopped", "discharged"):
            return "already"
        patient.status, patient.stopped_at = "stopped", now
        await agenda.drop(session, outbox_q.of_patient(patient_id=patient.id), reason="stopped")
        await doses_q.close_planned(session, patient_id=patient.id or 0, note="stopped")
        audit.record(session, at=now, actor="patient", action="patient.stop", subject=f"patient:{patient.id}")
        await session.commit()
        return "stopped"


async def chat_blocked(sessions: Sessions, *, chat_id: int, blocked: bool, now: datetime) -> int | None:
    """Telegram told us the patient blocked (or unblocked) the bot."""
    async with sessions() as session:
        if blocked:
            patient_id = await mark_unreachable(session, chat_id=chat_id, now=now, source="my_chat_member")
        else:
            patient = await patients_q.by_chat(session, chat_id=chat_id)
            patient_id = patient.id if patient else None
            if patient is not None and not patient.reachable:
                patient.reachable, patient.unreachable_at = True, None
                patient.planned_until = max(patient.planned_until or now, now)
                audit.record(
                    session, at=now, actor="system", action="patient.reachable", subject=f"patient:{patient.id}"
                )
        await session.commit()
        return patient_id
