"""Closing a day's unanswered doses: 'unconfirmed', and the reminder edited to that final state.

A reminder whose window closed must not keep live buttons: each closed dose that has a reminder message
gets a `dose_close` outbox row (sent once, like every message): the dispatcher edits the reminder to
"Not confirmed" and takes the buttons off it and off its nudge.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from schedules import agenda
from storage.engine import Sessions
from storage.models import DoseEvent, Patient


async def close_unanswered(sessions: Sessions, *, now: datetime) -> int:
    """Doses sent but unanswered when their window closes become 'unconfirmed'; their reminders are closed."""
    async with sessions() as session:
        closed = (
            (
                await session.execute(
                    update(DoseEvent)
                    .where(col(DoseEvent.status).in_(("sent", "snoozed")), col(DoseEvent.closes_at) <= now)
                    .values(status="unconfirmed")
                    .returning(col(DoseEvent.id))
                )
            )
            .scalars()
            .all()
        )
        if closed:
            shown = (
                await session.exec(
                    select(DoseEvent.id, DoseEvent.patient_id, Patient.chat_id)
                    .join(Patient, col(Patient.id) == col(DoseEvent.patient_id))
                    .where(col(DoseEvent.id).in_(closed), col(DoseEvent.message_id).is_not(None))
                )
            ).all()
            boxes = [
                agenda.Entry("dose_close", agenda.key_dose(dose_id or 0, "closed"), chat, now, patient_id, dose_id)
                for dose_id, patient_id, chat in shown
                if chat is not None
            ]
            await agenda.enqueue(session, boxes, now=now)
        await session.commit()
    return len(closed)
