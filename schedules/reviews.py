"""The daily review of each patient's doses: low adherence and long-unconfirmed injections."""

from __future__ import annotations

from datetime import datetime, timedelta

from care.protocol import Protocol
from schedules.flagging import review_adherence
from storage.engine import Sessions
from storage.queries import patients as patients_q

REVIEW_EVERY = timedelta(days=1)


async def review_due(sessions: Sessions, *, now: datetime, protocol: Protocol, batch: int = 500) -> int:
    """Review every enrolled patient not reviewed in the last day. Returns the flags raised."""
    raised = 0
    while True:
        async with sessions() as session:
            patients = await patients_q.due_for_review(session, before=now - REVIEW_EVERY, batch=batch)
            raised += await review_adherence(session, patients=patients, now=now, protocol=protocol)
            if patients:
                await patients_q.mark_reviewed(session, ids=[p.id for p in patients], at=now)
            await session.commit()
        if len(patients) < batch:
            return raised
