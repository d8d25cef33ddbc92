"""The person behind a private chat: every patient row they were ever enrolled as.

A patient who stops and is enrolled again with a new link gets a new patient row, and the old row loses
its chat (`patient.chat_id` is unique). The link survives on the invite: `invite.opened_chat_id` is the
chat that opened it and consented. /mydata and /delete_my_data act on all of these rows.
"""

from __future__ import annotations

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Invite, Patient


async def linked_patients(session: AsyncSession, chat_id: int) -> list[Patient]:
    """This person's patient rows not yet erased: the one linked to the chat now first, then the older ones."""
    opened = select(col(Invite.patient_id)).where(
        col(Invite.opened_chat_id) == chat_id, col(Invite.kind) == "patient", col(Invite.outcome) == "consented"
    )
    rows = (
        await session.exec(
            select(Patient)
            .where(or_(col(Patient.chat_id) == chat_id, col(Patient.id).in_(opened)), col(Patient.status) != "erased")
            .order_by(col(Patient.id).desc())
        )
    ).all()
    return sorted(rows, key=lambda p: p.chat_id != chat_id)  # stable: the current one, then newest to oldest
