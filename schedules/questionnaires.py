"""When questionnaires happen: weekly rows planned ahead, and expiry of unanswered ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from schedules import agenda, flagging
from schedules.dosetimes import local_to_utc, parse_reminder_time, parse_timezone
from schedules.sql import insert_ignore
from storage.engine import Sessions
from storage.models import Patient, Questionnaire

WEEK = timedelta(days=7)


def weekly_due(patient: Patient, *, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
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
    stmt = insert_ignore(session, Questionnaire).values(rows).on_conflict_do_nothing()
    new = (
        await session.execute(
            stmt.returning(col(Questionnaire.id), col(Questionnaire.patient_id), col(Questionnaire.due_at))
        )
    ).all()
    chats = {p.id: p.chat_id for p in patients}
    boxes = [
        agenda.Entry("questionnaire", agenda.key_questionnaire(qid), chats[pid], due, pid, qid) for qid, pid, due in new
    ]
    await agenda.enqueue(session, boxes, now=now)


async def expire_questionnaires(sessions: Sessions, *, now: datetime, protocol: Protocol) -> int:
    """Close open questionnaires past their expiry, tell the patient, flag two missed in a row."""
    async with sessions() as session:
        expired = (
            await session.execute(
                update(Questionnaire)
                .where(col(Questionnaire.status).in_(("in_progress", "paused")), col(Questionnaire.expires_at) <= now)
                .values(status="expired")
                .returning(col(Questionnaire.id), col(Questionnaire.patient_id))
            )
        ).all()
        for qid, patient_id in expired:
            patient = await session.get(Patient, patient_id)
            if patient is None or patient.chat_id is None:
                continue
            if patient.status == "active":  # a paused patient hears nothing until /resume
                key = agenda.key_questionnaire(qid, "expired")
                notice = agenda.Entry("notice", key, patient.chat_id, now, patient_id, payload={"key": "q_expired"})
                await agenda.enqueue(session, [notice], now=now)
            history = (
                await session.exec(
                    select(Questionnaire.week, Questionnaire.status).where(
                        Questionnaire.patient_id == patient_id,
                        col(Questionnaire.week) > 0,
                        col(Questionnaire.status).in_(("completed", "expired", "in_progress", "paused")),
                    )
                )
            ).all()
            statuses = [(w, s if s in ("completed", "expired") else "open") for w, s in history]
            await flagging.on_missed(session, patient=patient, history=statuses, protocol=protocol, now=now)
        await session.commit()
    return len(expired)
