"""A family helper's chat (issue 14): is it an active helper's, and /stop from the helper. No Telegram here.

/stop ends every link of the chat and tells each patient; audited with ids only (the helper is
`tg:<their user id>`).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from services.helper_invites import end_links, notice
from storage import audit
from storage.engine import Sessions
from storage.models import HelperLink, Patient
from storage.queries import helpers as helpers_q


async def active_links(session: AsyncSession, chat_id: int) -> list[HelperLink]:
    return await helpers_q.active_of_chat(session, chat_id=chat_id)


async def is_helper(sessions: Sessions, *, chat_id: int) -> str | None:
    """The helper's language when this chat is an active helper's, else None."""
    async with sessions() as session:
        links = await active_links(session, chat_id)
    return links[0].language if links else None


async def stop(sessions: Sessions, *, chat_id: int, now: datetime) -> str | None:
    """/stop from a helper: every link of this chat ends; each patient is told. The language, or None."""
    async with sessions() as session:
        links = await active_links(session, chat_id)
        if not links:
            return None
        await end_links(session, links, status="stopped", now=now)
        for link in links:
            patient = await session.get(Patient, link.patient_id)
            if patient is not None and patient.chat_id is not None:
                await agenda.enqueue(
                    session,
                    [
                        notice(
                            key="helper_stopped_patient",
                            chat_id=patient.chat_id,
                            link_id=link.id or 0,
                            now=now,
                            patient_id=patient.id,
                            to="patient",
                        )
                    ],
                    now=now,
                )
            audit.record(
                session,
                at=now,
                actor=f"tg:{chat_id}",
                action="helper.stop",
                subject=f"patient:{link.patient_id}",
                detail={"link": link.id},
            )
        await session.commit()
        return links[0].language
