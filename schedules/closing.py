"""Closing a day's unanswered doses: 'unconfirmed', and the reminder edited to that final state.

A reminder whose window closed must not keep live buttons: each closed dose that has a reminder message
gets a `dose_close` outbox row (sent once, like every message): the dispatcher edits the reminder to
"Not confirmed" and takes the buttons off it and off its nudge.
"""

from __future__ import annotations

from datetime import datetime

from schedules import agenda
from storage.engine import Sessions
from storage.queries import doses as doses_q

OPEN = ("sent", "snoozed")  # a reminder sent, or snoozed, and not answered


async def close_unanswered(sessions: Sessions, *, now: datetime) -> int:
    """Doses sent but unanswered when their window closes become 'unconfirmed'; their reminders are closed."""
    async with sessions() as session:
        closed = await doses_q.close_due(session, now=now, states=OPEN)
        if closed:
            shown = await doses_q.shown_with_chat(session, ids=closed)
            boxes = [
                agenda.Entry("dose_close", agenda.key_dose(dose_id or 0, "closed"), chat, now, patient_id, dose_id)
                for dose_id, patient_id, chat in shown
                if chat is not None
            ]
            await agenda.enqueue(session, boxes, now=now)
        await session.commit()
    return len(closed)
