"""The daily review of each patient's doses: low adherence and long-unconfirmed injections."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select

from care.protocol import Protocol
from schedules.flagging import review_adherence
from schedules.sql import is_postgres
from storage.engine import Sessions
from storage.models import Patient
from storage.status import ENROLLED

REVIEW_EVERY = timedelta(days=1)


async def review_due(sessions: Sessions, *, now: datetime, protocol: Protocol, batch: int = 500) -> int:
    """Review every enrolled patient not reviewed in the last day. Returns the flags raised."""
    raised = 0
    while True:
        async with sessions() as session:
            query = (
                select(Patient)
                .where(
                    col(Patient.status).in_(ENROLLED),
                    col(Patient.consented_at).is_not(None),
                    or_(col(Patient.reviewed_at).is_(None), col(Patient.reviewed_at) <= now - REVIEW_EVERY),
                )
                .order_by(col(Patient.id))
                .limit(batch)
            )
            if is_postgres(session):
                query = query.with_for_update(skip_locked=True)
            patients = (await session.exec(query)).all()
            for patient in patients:
                raised += await review_adherence(session, patient=patient, now=now, protocol=protocol)
            if patients:
                await session.execute(
                    update(Patient).where(col(Patient.id).in_([p.id for p in patients])).values(reviewed_at=now)
                )
            await session.commit()
        if len(patients) < batch:
            return raised
