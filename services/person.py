"""The person behind a private chat: every patient row they were ever enrolled as.

A patient who stops and is enrolled again with a new link gets a new patient row, and the old row loses
its chat (`patient.chat_id` is unique). The link survives on the invite: `invite.opened_chat_id` is the
chat that opened it and consented. /mydata and /delete_my_data act on all of these rows.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Patient
from storage.queries import patients as patients_q


async def linked_patients(session: AsyncSession, chat_id: int) -> list[Patient]:
    """This person's patient rows not yet erased: the one linked to the chat now first, then the older ones."""
    rows = await patients_q.linked(session, chat_id=chat_id)
    return sorted(rows, key=lambda p: p.chat_id != chat_id)  # stable: the current one, then newest to oldest
