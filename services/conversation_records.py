"""Issue 14's tables in the patient's data rights: their copy (/mydata) and their erasure (/delete_my_data).

Kept apart from services/erasure.py and my_data.py (one call each) so that the tables of the
conversation and the helper are easy to find. Erasure removes every message of the patient (both
directions) with its outbox rows, blanks the stored updates in which members wrote to them, removes every
helper link with its pending notices (an active helper is told, without any detail, that the notices
have ended), and makes unused helper links stop working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from services.helper_invites import NOTICE
from services.messages import TO_PATIENT, TO_TEAM
from storage.models import HelperLink, InboxUpdate, Invite, Outbox, Patient, PatientMessage


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def erase_conversation(session: AsyncSession, patient: Patient, *, now: datetime) -> dict[str, int]:
    """Inside the erasure's transaction; returns the counts removed, per table."""
    pid = patient.id
    rows = (
        await session.exec(select(PatientMessage.id, PatientMessage.update_id).where(PatientMessage.patient_id == pid))
    ).all()
    message_ids = [row[0] for row in rows]
    member_updates = [row[1] for row in rows if row[1] is not None]
    links = list((await session.exec(select(HelperLink).where(HelperLink.patient_id == pid))).all())
    link_ids = [link.id for link in links]
    about = (col(Outbox.kind).in_((TO_PATIENT, TO_TEAM)) & col(Outbox.ref_id).in_(message_ids)) | (
        (col(Outbox.kind) == NOTICE) & col(Outbox.ref_id).in_(link_ids)
    )
    counts = {"conversation_outbox": await agenda.purge(session, about)}
    if member_updates:  # the members' own updates hold the text they sent: blanked (the update ids stay)
        blank = update(InboxUpdate).where(col(InboxUpdate.update_id).in_(member_updates))
        counts["member_updates"] = _count(await session.execute(blank.values(payload={"erased": True})))
    counts["messages"] = _count(
        await session.execute(delete(PatientMessage).where(col(PatientMessage.patient_id) == pid))
    )
    await session.execute(
        update(Invite)
        .where(col(Invite.patient_id) == pid, col(Invite.kind) == "helper", col(Invite.used_at).is_(None))
        .values(expires_at=now)
    )
    ended = [
        agenda.Entry(
            NOTICE,
            agenda.key_helper_erased(pid or 0, link.helper_chat_id),
            link.helper_chat_id,
            now,
            payload={"key": "helper_ended", "lang": link.language, "to": "helper"},
        )
        for link in links
        if link.status == "active" and link.helper_chat_id is not None
    ]
    await agenda.enqueue(session, ended, now=now)
    counts["helper_links"] = _count(await session.execute(delete(HelperLink).where(col(HelperLink.patient_id) == pid)))
    return counts


async def my_conversation(session: AsyncSession, patient_id: int) -> dict[str, Any]:
    """The patient's messages and helper, for /mydata: no clinician's or helper's Telegram id."""
    messages = (
        await session.exec(
            select(PatientMessage).where(PatientMessage.patient_id == patient_id).order_by(col(PatientMessage.id))
        )
    ).all()
    links = (
        await session.exec(select(HelperLink).where(HelperLink.patient_id == patient_id).order_by(col(HelperLink.id)))
    ).all()
    return {
        "messages": [
            {
                "direction": m.direction,
                "text": m.text,
                "at": m.created_at.isoformat(),
                "status": m.status,
            }
            for m in messages
        ],
        "helper": [
            {
                "status": link.status,
                "invited_at": link.created_at.isoformat(),
                "agreed_at": link.consented_at.isoformat() if link.consented_at else None,
                "ended_at": link.ended_at.isoformat() if link.ended_at else None,
            }
            for link in links
        ],
    }
