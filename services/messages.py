"""Free-text messages from a care team member to a patient (issue 14). No Telegram here.

A member's message is a `patient_message` row (to_patient) and one outbox row to the patient's chat (the
patient's own texts: services/relay.py). The text stays in the table, never in the outbox payload or
a log; the sender reads it when it sends (bot/sending/conversation.py). Every message and refusal is an
audit row with ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from services import teams
from services.team_access import Caller, find
from storage import audit
from storage.engine import Sessions
from storage.models import Patient, PatientMessage
from storage.status import ENROLLED

MESSAGEABLE = ENROLLED  # paused stops reminders and questions, not the conversation
TO_PATIENT, TO_TEAM = "msg_to_patient", "msg_to_team"
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Written:
    outcome: str  # queued | not_a_member not_found ambiguous | not_messageable unreachable | empty
    alias: str = ""
    status: str = ""
    message_id: int = 0


def why_not(patient: Patient) -> str | None:
    """Why a message cannot go to this patient now, or None."""
    if patient.status not in MESSAGEABLE:
        return "not_messageable"
    if patient.chat_id is None or not patient.reachable:
        return "unreachable"
    return None


def outbox_row(
    kind: str, message_id: int, chat_id: int, now: datetime, *, patient_id: int | None = None, **payload: object
) -> agenda.Entry:
    key = agenda.key_message(message_id, chat_id)
    return agenda.Entry(kind, key, chat_id, now, patient_id, message_id, {"message": message_id, **payload})


async def queue_to_patient(
    session: AsyncSession, patient: Patient, *, member: int, text: str, now: datetime, update_id: int | None = None
) -> int:
    """Store the member's message and queue it to the patient (the caller checked `why_not`). Audited."""
    row = PatientMessage(
        patient_id=patient.id or 0,
        direction="to_patient",
        member_user_id=member,
        text=text,
        created_at=now,
        update_id=update_id,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None and patient.chat_id is not None
    await agenda.enqueue(
        session, [outbox_row(TO_PATIENT, row.id, patient.chat_id, now, patient_id=patient.id, member=member)], now=now
    )
    subject = f"patient:{patient.id}"
    audit.record(
        session, at=now, actor=f"tg:{member}", action="message.to_patient", subject=subject, detail={"message": row.id}
    )
    return row.id


async def write(
    sessions: Sessions, caller: Caller, alias: str, text: str, *, now: datetime, update_id: int | None = None
) -> Written:
    """/msg <alias> <text>: the caller must be an active member of the patient's team (in this chat's scope)."""
    if not text.strip():
        return Written("empty", alias)
    async with sessions() as session:
        found = await find(session, caller, alias, action="message.to_patient", now=now)
        if isinstance(found, str):
            return Written(found, alias)
        return await _checked(session, found[0], member=caller.user_id, text=text, now=now, update_id=update_id)


async def _checked(
    session: AsyncSession, patient: Patient, *, member: int, text: str, now: datetime, update_id: int | None
) -> Written:
    reason = why_not(patient)
    if reason is not None:
        audit.record(
            session,
            at=now,
            actor=f"tg:{member}",
            action="message.to_patient",
            outcome="refused",
            subject=f"patient:{patient.id}",
            detail={"reason": reason},
        )
        await session.commit()
        return Written(reason, patient.alias, patient.status)
    message_id = await queue_to_patient(session, patient, member=member, text=text, now=now, update_id=update_id)
    await session.commit()
    return Written("queued", patient.alias, patient.status, message_id)


async def write_to_id(
    sessions: Sessions, *, member: int, patient_id: int, text: str, now: datetime, update_id: int | None = None
) -> Written:
    """The text typed after Message patient: the member must still be active in the patient's team."""
    async with sessions() as session:
        patient = await session.get(Patient, patient_id)
        if patient is None or not await teams.is_member(session, user_id=member, team_id=patient.team_id):
            audit.record(
                session,
                at=now,
                actor=f"tg:{member}",
                action="message.to_patient",
                outcome="refused",
                subject=f"patient:{patient_id}",
                detail={"reason": "not_a_member"},
            )
            await session.commit()
            return Written("not_a_member")
        return await _checked(session, patient, member=member, text=text, now=now, update_id=update_id)
