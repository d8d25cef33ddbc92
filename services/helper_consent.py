"""The helper's side (issue 14): opening the link, agreeing or declining, and /stop. No Telegram here.

The link binds to the first chat that opens it (as a patient's invite does); only that chat may answer.
Agreeing makes the link active and tells the patient; declining ends it and tells the patient (/stop from
the helper: services/helper_stop.py).
Every step is audited with ids only (the helper is `tg:<their user id>`, as a clinician is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from services.helper_invites import notice
from storage import audit
from storage.engine import Sessions
from storage.models import Invite, Patient
from storage.queries import helpers as helpers_q
from storage.status import ENROLLED


async def opened(
    session: AsyncSession, invite: Invite, *, chat_id: int, user_id: int, now: datetime, language: str | None
) -> tuple[str, str]:
    """`/start <token>` of a helper link (called by consent.open_link, which checked expiry and use).

    Returns the link result's kind ("helper_consent", or why not) and the helper's language."""
    link = await helpers_q.by_invite(session, invite_id=invite.id)
    patient = await session.get(Patient, invite.patient_id) if invite.patient_id is not None else None
    reason = None
    if link is None or link.status != "invited" or patient is None or patient.status not in ENROLLED:
        reason = "used"
    elif patient.chat_id == chat_id:
        reason = "helper_self"
    elif invite.opened_chat_id not in (None, chat_id):
        reason = "other_chat"
    subject = f"patient:{invite.patient_id}"
    if reason is not None or link is None:
        audit.record(
            session,
            at=now,
            actor=f"tg:{user_id}",
            action="helper.open",
            outcome="refused",
            subject=subject,
            detail={"reason": reason},
        )
        await session.commit()
        return reason or "used", "en"
    invite.opened_chat_id = chat_id
    link.language = language or "en"
    audit.record(
        session, at=now, actor=f"tg:{user_id}", action="helper.open", subject=subject, detail={"link": link.id}
    )
    await session.commit()
    return "helper_consent", link.language


@dataclass(frozen=True)
class Answered:
    outcome: str  # agreed declined | refused (not yours, used, expired, no such link)
    language: str = "en"


async def answer(
    sessions: Sessions, *, invite_id: int, chat_id: int, agree: bool, now: datetime, in_a_row: int
) -> Answered:
    """I agree / No thanks under the helper's consent text (`h1:<invite id>:y|n`)."""
    async with sessions() as session:
        invite = await session.get(Invite, invite_id)
        link = await helpers_q.by_invite(session, invite_id=invite_id)
        patient = await session.get(Patient, link.patient_id) if link is not None else None
        reason = None
        if invite is None or invite.kind != "helper" or link is None or patient is None:
            reason = "gone"
        elif invite.opened_chat_id != chat_id:
            reason = "not_yours"
        elif link.status != "invited" or invite.used_at is not None or invite.expires_at <= now:
            reason = "stale"
        elif patient.status not in ENROLLED:
            reason = "ended"
        if reason is not None or invite is None or link is None or patient is None:
            audit.record(
                session,
                at=now,
                actor=f"tg:{chat_id}",
                action="helper.consent",
                outcome="refused",
                subject=f"invite:{invite_id}",
                detail={"reason": reason},
            )
            await session.commit()
            return Answered("refused", link.language if link is not None else "en")
        invite.used_at, invite.outcome = now, "consented" if agree else "declined"
        if agree:
            link.status, link.helper_chat_id, link.consented_at = "active", chat_id, now
        else:
            link.status, link.ended_at, invite.opened_chat_id = "declined", now, None
        if patient.chat_id is not None:
            key = "helper_accepted" if agree else "helper_declined_patient"
            await agenda.enqueue(
                session,
                [
                    notice(
                        key=key,
                        chat_id=patient.chat_id,
                        link_id=link.id or 0,
                        now=now,
                        patient_id=patient.id,
                        to="patient",
                        n=in_a_row,
                    )
                ],
                now=now,
            )
        action = "helper.agree" if agree else "helper.decline"
        audit.record(
            session,
            at=now,
            actor=f"tg:{chat_id}",
            action=action,
            subject=f"patient:{patient.id}",
            detail={"link": link.id},
        )
        await session.commit()
        return Answered("agreed" if agree else "declined", link.language)
