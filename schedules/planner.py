"""The planner: turns each patient's regimen into dose rows and reminder rows ahead of time.

Rows are unique per (patient, due time) and per outbox dedupe key, so planning is idempotent and
can run on any number of processes at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from care.protocol import Protocol
from care.regimens import Regimen
from schedules import agenda
from schedules.dosetimes import dose_slots
from schedules.questionnaires import plan_weekly
from schedules.timeparse import parse_reminder_time, parse_timezone
from schedules.wallclock import end_of_local_day
from storage.engine import Sessions
from storage.queries import doses as doses_q
from storage.queries import patients as patients_q
from storage.status import ENROLLED

PLANNED_STATES = ENROLLED
# patients whose dose rows are built and inserted at once, within a batch's transaction: the batch's read (a scan
# at 100,000 patients) stays one query, the rows built from it a tenth of it at a time (issue 17: memory)
SLICE = 100


def closes_at(*, route: str, local_date: Any, due_at: datetime, zone: Any, protocol: Protocol) -> datetime:
    """When an unanswered dose becomes 'unconfirmed': end of the local day (oral) or after N days (IM)."""
    if route == "im":
        return due_at + protocol.doses.injection_unconfirmed_after
    return end_of_local_day(local_date, zone)


def dose_rows(
    patient: Any, regimen: Regimen, *, start: datetime, end: datetime, protocol: Protocol
) -> list[dict[str, Any]]:
    """The dose rows of `patient` (an ORM Patient or a planning row: storage/queries/patients.PLANNING) on
    `regimen` (the patient's) due in [start, end)."""
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
    created = 0
    while True:
        added, taken = await _plan_next_batch(sessions, now=now, protocol=protocol, batch=batch)
        created += added
        if taken < batch:
            return created


async def _plan_next_batch(sessions: Sessions, *, now: datetime, protocol: Protocol, batch: int) -> tuple[int, int]:
    """One batch in its own transaction: (doses added, patients taken). Its rows go with this frame, before the
    next batch is read (issue 17: one batch's working set at a time)."""
    horizon = now + protocol.doses.plan_ahead
    async with sessions() as session:
        patients = await patients_q.due_for_planning(
            session, states=PLANNED_STATES, below=now + protocol.doses.plan_ahead / 2, batch=batch
        )
        if not patients:
            return 0, 0
        parsed: dict[str, Regimen] = {}  # one Regimen per distinct regimen in the batch (mostly the presets)

        def regimen_of(row: Any) -> Regimen:
            if (known := parsed.get(row.regimen_json)) is None:
                known = parsed[row.regimen_json] = Regimen.from_dict(json.loads(row.regimen_json))
            return known

        created = 0
        for first in range(0, len(patients), SLICE):  # the dose rows and their inserts a slice at a time
            part = patients[first : first + SLICE]
            created += await _plan_batch(session, part, now=now, horizon=horizon, protocol=protocol, regimen=regimen_of)
        await session.commit()
    return created, len(patients)


def _regimen_of(patient: Any) -> Regimen:
    return Regimen.from_dict(patient.regimen)


async def plan_now(session: Any, patients: Any, *, now: datetime, protocol: Protocol) -> int:
    """Plan these patients at once, in the caller's transaction (after `schedules.replan`)."""
    horizon = now + protocol.doses.plan_ahead
    due = [p for p in patients if (p.planned_until or now) < horizon]
    return await _plan_batch(session, due, now=now, horizon=horizon, protocol=protocol) if due else 0


async def _plan_batch(
    session: Any,
    patients: Any,
    *,
    now: datetime,
    horizon: datetime,
    protocol: Protocol,
    regimen: Callable[[Any], Regimen] = _regimen_of,
) -> int:
    rows: list[dict[str, Any]] = []
    chats: dict[int, int] = {}
    starts: dict[int, datetime] = {}
    for patient in patients:
        start = starts[patient.id] = patient.planned_until or patient.consented_at or now
        rows.extend(dose_rows(patient, regimen(patient), start=start, end=horizon, protocol=protocol))
        chats[patient.id] = patient.chat_id
    await plan_weekly(session, patients, start_of=starts, end=horizon, now=now)
    new = await doses_q.insert_planned(session, rows=rows)
    del rows  # the inserted ids are what is left to enqueue
    reminders = [
        agenda.Entry("dose_reminder", agenda.key_dose(dose_id), chats[patient_id], due_at, patient_id, dose_id)
        for dose_id, patient_id, due_at in new
    ]
    await agenda.enqueue(session, reminders, now=now)
    ids = [p.id for p in patients]
    await patients_q.set_planned_until(session, ids=ids, until=horizon)
    return len(new)
