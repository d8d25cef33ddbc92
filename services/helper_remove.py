"""/helper remove (issue 14): the patient ends their helper's links at any time; the helper is told. No Telegram."""

from __future__ import annotations

from datetime import datetime

from schedules import agenda
from services.helper_invites import HelperState, end_links, live_links, notice, patient_of_chat
from storage import audit
from storage.engine import Sessions


async def remove(sessions: Sessions, *, chat_id: int, now: datetime) -> HelperState:
    """/helper remove: at any time; the helper is told that the notices have ended."""
    async with sessions() as session:
        p = await patient_of_chat(session, chat_id)
        if p is None:
            return HelperState("not_enrolled")
        live = await live_links(session, p.id or 0)
        if not live:
            return HelperState("none", p.language)
        await end_links(session, live, status="removed", now=now)
        for link in live:
            if link.status == "removed" and link.helper_chat_id is not None and link.consented_at is not None:
                await agenda.enqueue(
                    session,
                    [
                        notice(
                            key="helper_ended",
                            chat_id=link.helper_chat_id,
                            link_id=link.id or 0,
                            now=now,
                            patient_id=None,
                            lang=link.language,
                            to="helper",
                        )
                    ],
                    now=now,
                )
        audit.record(
            session,
            at=now,
            actor="patient",
            action="helper.remove",
            subject=f"patient:{p.id}",
            detail={"links": [link.id for link in live]},
        )
        await session.commit()
        return HelperState("removed", p.language)
