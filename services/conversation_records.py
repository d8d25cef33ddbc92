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

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from services.helper_invites import NOTICE
from services.messages import TO_PATIENT, TO_TEAM
from storage.models import Patient
from storage.queries import helpers as helpers_q
from storage.queries import inbox as inbox_q
from storage.queries import invites as invites_q
from storage.queries import messages as messages_q
from storage.queries import outbox as outbox_q


async def erase_conversation(session: AsyncSession, patient: Patient, *, now: datetime) -> dict[str, int]:
    """Inside the erasure's transaction; returns the counts removed, per table."""
    pid = patient.id
    rows = await messages_q.ids_and_updates(session, patient_id=pid)
    message_ids = [row[0] for row in rows]
    member_updates = [row[1] for row in rows if row[1] is not None]
    links = await helpers_q.all_of_patient(session, patient_id=pid)
    link_ids = [link.id for link in links]
    about = outbox_q.of_kinds_about(kinds=(TO_PATIENT, TO_TEAM), ref_ids=message_ids) | outbox_q.of_kind_about(
        kind=NOTICE, ref_ids=link_ids
    )
    counts = {"conversation_outbox": await agenda.purge(session, about)}
    if member_updates:  # the members' own updates hold the text they sent: blanked (the update ids stay)
        counts["member_updates"] = await inbox_q.blank_payloads(session, update_ids=member_updates)
    counts["messages"] = await messages_q.delete_of_patient(session, patient_id=pid)
    await invites_q.expire_helper_invites(session, patient_id=pid, now=now)
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
    counts["helper_links"] = await helpers_q.delete_of_patient(session, patient_id=pid)
    return counts


async def my_conversation(session: AsyncSession, patient_id: int) -> dict[str, Any]:
    """The patient's messages and helper, for /mydata: no clinician's or helper's Telegram id."""
    messages = await messages_q.of_patient(session, patient_id=patient_id)
    links = await helpers_q.all_of_patient(session, patient_id=patient_id)
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
