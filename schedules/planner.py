"""The planner: turns each patient's regimen into dose rows and reminder rows ahead of time.

Rows are unique per (patient, due time) and per outbox dedupe key, so planning is idempotent and
can run on any number of processes at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import col, select

from care.protocol import Protocol
from care.regimens import Regimen
from schedules import agenda
from schedules.dosetimes import dose_slots, end_of_local_day, parse_reminder_time, parse_timezone
from schedules.questionnaires import plan_weekly
from schedules.sql import insert_ignore, is_postgres
from storage.engine import Sessions
from storage.models import DoseEvent, Patient
from storage.status import ENROLLED

PLANNED_STATES = ENROLLED


def closes_at(*, route: str, local_date: Any, due_at: datetime, zone: Any, protocol: Protocol) -> datetime:
    """When an unanswered dose becomes 'unconfirmed': end of the local day (oral) or after N days (IM)."""
    if route == "im":
        return due_at + protocol.doses.injection_unconfirmed_after
    return end_of_local_day(local_date, zone)


def dose_rows(patient: Patient, *, start: datetime, end: datetime, protocol: Protocol) -> list[dict[str, Any]]:
    regimen = Regimen.from_dict(patient.regimen)
    zone = parse_timezone(patient.timezone)
    rows = []
    for slot in dose_slots(
        regimen,
        start=patient.therapy_start,
        zone=zone,
        reminder_time=parse_reminder_time(patient.reminder_time),
        window_start=start,
        window_end=end,
    ):
        route = str(regimen.phases[slot.phase_index].route)
        rows.append(
            {
                "patient_id": patient.id,
                "due_at": slot.due_at,
                "local_date": slot.local_date,
                "phase_index": slot.phase_index,
                "phase_start": slot.phase_start,
                "slot": slot.slot,
                "route": route,
                "status": "planned",
                "timezone": patient.timezone,
                "closes_at": closes_at(
                    route=route, local_date=slot.local_date, due_at=slot.due_at, zone=zone, protocol=protocol
                ),
            }
        )
    return rows


async def plan(sessions: Sessions, *, now: datetime, protocol: Protocol, batch: int = 1000) -> int:
    """Materialise doses up to now + plan_ahead for patients whose plan runs short. Returns new doses."""
    horizon = now + protocol.doses.plan_ahead
    top_up_below = now + protocol.doses.plan_ahead / 2
    created = 0
    while True:
        async with sessions() as session:
            query = (
                select(Patient)
                .where(
                    col(Patient.status).in_(PLANNED_STATES),
                    col(Patient.reachable).is_(True),
                    or_(col(Patient.planned_until).is_(None), col(Patient.planned_until) < top_up_below),
                )
                .order_by(col(Patient.id))
                .limit(batch)
            )
            if is_postgres(session):
                query = query.with_for_update(skip_locked=True)
            patients = (await session.exec(query)).all()
            if not patients:
                return created
            created += await _plan_batch(session, patients, now=now, horizon=horizon, protocol=protocol)
            await session.commit()
        if len(patients) < batch:
            return created


async def plan_now(session: Any, patients: Any, *, now: datetime, protocol: Protocol) -> int:
    """Plan these patients at once, in the caller's transaction (after `schedules.replan`)."""
    horizon = now + protocol.doses.plan_ahead
    due = [p for p in patients if (p.planned_until or now) < horizon]
    return await _plan_batch(session, due, now=now, horizon=horizon, protocol=protocol) if due else 0


async def _plan_batch(session: Any, patients: Any, *, now: datetime, horizon: datetime, protocol: Protocol) -> int:
    rows: list[dict[str, Any]] = []
    chats: dict[int, int] = {}
    starts: dict[int, datetime] = {}
    for patient in patients:
        start = starts[patient.id] = patient.planned_until or patient.consented_at or now
        rows.extend(dose_rows(patient, start=start, end=horizon, protocol=protocol))
        chats[patient.id] = patient.chat_id
    await plan_weekly(session, patients, start_of=starts, end=horizon, now=now)
    new: list[Any] = []
    for chunk in range(0, len(rows), 500):
        stmt = insert_ignore(session, DoseEvent).values(rows[chunk : chunk + 500]).on_conflict_do_nothing()
        stmt = stmt.returning(col(DoseEvent.id), col(DoseEvent.patient_id), col(DoseEvent.due_at))
        new.extend((await session.execute(stmt)).all())
    reminders = [
        agenda.Entry("dose_reminder", agenda.key_dose(dose_id), chats[patient_id], due_at, patient_id, dose_id)
        for dose_id, patient_id, due_at in new
    ]
    await agenda.enqueue(session, reminders, now=now)
    ids = [p.id for p in patients]
    await session.execute(update(Patient).where(col(Patient.id).in_(ids)).values(planned_until=horizon))
    return len(new)
