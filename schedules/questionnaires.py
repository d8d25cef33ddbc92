"""When questionnaires happen: weekly rows planned ahead, and expiry of unanswered ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from schedules import agenda, flagging
from schedules.timeparse import parse_reminder_time, parse_timezone
from schedules.wallclock import local_to_utc
from storage.engine import Sessions
from storage.models import Patient
from storage.queries import questionnaires as questionnaires_q

OPEN = ("in_progress", "paused")
HISTORY = ("completed", "expired", "in_progress", "paused")

WEEK = timedelta(days=7)


def weekly_due(patient: Any, *, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
    """(week, due) for weekly questionnaires due in [start, end): the therapy weekday, the reminder time."""
    zone, at = parse_timezone(patient.timezone), parse_reminder_time(patient.reminder_time)
    first_week = max(1, (start.date() - patient.therapy_start).days // 7 - 1)
    out = []
    for week in range(first_week, first_week + 2 + (end - start).days // 7 + 1):
        due = local_to_utc(patient.therapy_start + week * WEEK, at, zone)
        if start <= due < end:
            out.append((week, due))
    return out


async def plan_weekly(
    session: AsyncSession, patients: Any, *, start_of: dict[int, datetime], end: datetime, now: datetime
) -> None:
    rows = [
        {
            "patient_id": p.id,
            "kind": "weekly",
            "week": week,
            "due_at": due,
            "status": "planned",
            "answers": {},
            "version": 0,
        }
        for p in patients
        for week, due in weekly_due(p, start=start_of[p.id], end=end)
    ]
    if not rows:
        return
    new = await questionnaires_q.insert_planned(session, rows=rows)
    chats = {p.id: p.chat_id for p in patients}
    boxes = [
        agenda.Entry("questionnaire", agenda.key_questionnaire(qid), chats[pid], due, pid, qid) for qid, pid, due in new
    ]
    await agenda.enqueue(session, boxes, now=now)


async def expire_questionnaires(sessions: Sessions, *, now: datetime, protocol: Protocol) -> int:
    """Close open questionnaires past their expiry, tell the patient, flag two missed in a row."""
    async with sessions() as session:
        expired = await questionnaires_q.expire_due(session, states=OPEN, now=now)
        for qid, patient_id in expired:
            patient = await session.get(Patient, patient_id)
            if patient is None or patient.chat_id is None:
                continue
            if patient.status == "active":  # a paused patient hears nothing until /resume
                key = agenda.key_questionnaire(qid, "expired")
                notice = agenda.Entry("notice", key, patient.chat_id, now, patient_id, payload={"key": "q_expired"})
                await agenda.enqueue(session, [notice], now=now)
            history = await questionnaires_q.weekly_history(session, patient_id=patient_id, states=HISTORY)
            statuses = [(w, s if s in ("completed", "expired") else "open") for w, s in history]
            await flagging.on_missed(session, patient=patient, history=statuses, protocol=protocol, now=now)
        await session.commit()
    return len(expired)
