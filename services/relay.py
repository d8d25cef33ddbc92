"""A patient's own free text, relayed to their care team (issue 14). No Telegram here.

The text is a `patient_message` row (from_patient) and one outbox row per chat it goes to: the member who
wrote to the patient last, while still an active member of the patient's team (one check:
`teams.is_member`), else the team's alert chats (the group once set, else each active member). Refused,
and audited, when the patient's course has ended or they sent `conversation.relay_max_per_hour` already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from schedules import agenda
from schedules.flagging import alert_chats
from services import teams
from services.messages import MESSAGEABLE, RATE_WINDOW, TO_TEAM, outbox_row
from storage import audit
from storage.engine import Sessions
from storage.models import Patient, PatientMessage, Team
from storage.queries import messages as messages_q
from storage.queries import patients as patients_q
from storage.queries import questionnaires as questionnaires_q


async def relay_targets(session: AsyncSession, patient: Patient) -> tuple[str, list[int]]:
    """Where a patient's text goes: ("member", [their chat]) or ("group" | "members", the alert chats)."""
    writer = await messages_q.last_writer(session, patient_id=patient.id)
    if writer is not None and await teams.is_member(session, user_id=writer, team_id=patient.team_id):
        return "member", [writer]
    team = await session.get(Team, patient.team_id)
    chats = await alert_chats(session, patient.team_id)
    return ("group" if team is not None and team.alert_chat_id is not None else "members"), chats


@dataclass(frozen=True)
class Relayed:
    outcome: str  # relayed | not_enrolled | ended | rate_limited
    language: str = "en"


async def patient_wrote(
    sessions: Sessions, *, chat_id: int, text: str, red_flag_words: bool, now: datetime, protocol: Protocol
) -> Relayed:
    """A patient's free text: stored and relayed to the team, unless their course ended or they flood."""
    async with sessions() as session:
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        if patient is None:
            return Relayed("not_enrolled")
        subject, lang = f"patient:{patient.id}", patient.language
        reason = None
        if patient.status not in MESSAGEABLE:
            reason = "ended"
        elif (
            await messages_q.from_patient_since(session, patient_id=patient.id, since=now - RATE_WINDOW)
            >= protocol.conversation.relay_max_per_hour
        ):
            reason = "rate_limited"
        if reason is not None:
            audit.record(
                session,
                at=now,
                actor="patient",
                action="message.from_patient",
                outcome="refused",
                subject=subject,
                detail={"reason": reason},
            )
            await session.commit()
            return Relayed(reason, lang)
        row = PatientMessage(
            patient_id=patient.id or 0,
            direction="from_patient",
            text=text,
            red_flag_words=red_flag_words,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        route, chats = await relay_targets(session, patient)
        for chat in chats:
            await agenda.enqueue(session, [outbox_row(TO_TEAM, row.id, chat, now, to=route)], now=now)
        audit.record(
            session,
            at=now,
            actor="patient",
            action="message.from_patient",
            subject=subject,
            detail={"message": row.id, "to": route, "chats": len(chats)},
        )
        await session.commit()
        return Relayed("relayed", lang)


async def reply_allowed(sessions: Sessions, *, message_id: int, chat_id: int, now: datetime) -> str | None:
    """Reply under a team's message (`m2:<message id>`): only in the chat it was sent to. The patient's
    language, or None (refused and audited)."""
    async with sessions() as session:
        message = await session.get(PatientMessage, message_id)
        patient = await session.get(Patient, message.patient_id) if message is not None else None
        mine = message is not None and message.direction == "to_patient" and patient is not None
        if mine and patient is not None and patient.chat_id == chat_id and patient.status in MESSAGEABLE:
            return patient.language
        audit.record(
            session,
            at=now,
            actor=f"chat:{chat_id}",
            action="message.reply",
            outcome="refused",
            subject=f"message:{message_id}",
            detail={"reason": "not_yours" if message else "stale"},
        )
        await session.commit()
        return None


async def is_member(sessions: Sessions, *, user_id: int) -> bool:
    """An active member of any team: their free text is theirs, never a patient's (no red-flag screen)."""
    async with sessions() as session:
        return bool(await teams.memberships(session, user_id))


async def red_flag_words_seen(sessions: Sessions, *, chat_id: int, now: datetime) -> None:
    """Audit that free text in this chat brought up the red-flag screen (ids only, never the words)."""
    async with sessions() as session:
        patient_id = await patients_q.id_by_chat(session, chat_id=chat_id)
        subject = f"patient:{patient_id}" if patient_id is not None else None
        actor = "patient" if patient_id is not None else f"chat:{chat_id}"
        audit.record(session, at=now, actor=actor, action="message.red_flag_words", subject=subject)
        await session.commit()


async def is_patient(sessions: Sessions, *, chat_id: int) -> bool:
    async with sessions() as session:
        return await patients_q.id_by_chat(session, chat_id=chat_id) is not None


async def answering_questions(sessions: Sessions, *, chat_id: int, now: datetime, protocol: Protocol) -> bool:
    """A questionnaire is being answered in this chat right now (answered at least once, the last answer
    within `active_within`): a dialogue, so free text is taken as an attempt to answer it."""
    async with sessions() as session:
        since = now - protocol.questionnaires.active_within
        found = await questionnaires_q.answered_since(session, chat_id=chat_id, since=since)
        return any(bool(answers) for answers in found)
