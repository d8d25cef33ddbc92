"""Erasing a patient's personal and health data (/delete_my_data), inside the caller's transaction.

Removed: their doses, questionnaires (answers, scores), flags, every outbox row for them or about their
flags and milestones, the texts of every update from their chat (the inbox keeps the row and its
update id, so a replay still changes nothing), their dialogues, the chat id kept on their invites, and on
the patient row the alias, chat id, regimen, baseline B12, time zone and reminder time. What remains is
a stub (id, team, status "erased", created, consented, stopped and erased times) and the audit rows,
which hold ids and counts only. The care team gets a notice naming the former alias.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.conversation_records import erase_conversation
from schedules.flagging import alert_chats
from storage.engine import Sessions
from storage.models import Dialogue, DoseEvent, Flag, InboxUpdate, Invite, Outbox, Patient, Questionnaire

TEAM_NOTICE = "team_notice"


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def from_chat(chat_id: int) -> Any:
    """Inbox rows whose update came from this private chat (messages, button presses, block/unblock).

    Compared as numbers (Telegram ids exceed 32 bits; every id is exact in a double). A full scan of the
    inbox: erasure is rare."""
    payload = InboxUpdate.payload
    return or_(
        payload["message"]["chat"]["id"].as_float() == float(chat_id),
        payload["edited_message"]["chat"]["id"].as_float() == float(chat_id),
        payload["callback_query"]["from"]["id"].as_float() == float(chat_id),
        payload["my_chat_member"]["chat"]["id"].as_float() == float(chat_id),
    )


async def erase(
    session: AsyncSession, patient: Patient, *, now: datetime, keep_update_id: int | None
) -> dict[str, int]:
    """Remove everything personal of `patient` (see the module doc); returns the counts removed, per table."""
    pid, chat = patient.id, patient.chat_id
    flag_ids = list((await session.exec(select(Flag.id).where(Flag.patient_id == pid))).all())
    counts = {}
    about = or_(
        col(Outbox.patient_id) == pid,
        (col(Outbox.kind).in_(("alert", "verdict")) & col(Outbox.ref_id).in_(flag_ids)),
        (col(Outbox.kind) == "milestone") & (col(Outbox.ref_id) == pid),
        *([col(Outbox.chat_id) == chat] if chat is not None else []),
    )
    counts["outbox"] = _count(await session.execute(delete(Outbox).where(about)))
    counts["doses"] = _count(await session.execute(delete(DoseEvent).where(col(DoseEvent.patient_id) == pid)))
    counts["questionnaires"] = _count(
        await session.execute(delete(Questionnaire).where(col(Questionnaire.patient_id) == pid))
    )
    counts["flags"] = _count(await session.execute(delete(Flag).where(col(Flag.patient_id) == pid)))
    counts["inbox"] = counts["dialogues"] = 0
    if chat is not None:
        scrub = update(InboxUpdate).where(from_chat(chat))
        if keep_update_id is not None:  # the update being handled: scrubbed once it is done (scrub_update)
            scrub = scrub.where(col(InboxUpdate.update_id) != keep_update_id)
        done = func.coalesce(col(InboxUpdate.processed_at), now)  # a waiting update from them is not handled
        counts["inbox"] = _count(await session.execute(scrub.values(payload={"erased": True}, processed_at=done)))
        counts["dialogues"] = _count(await session.execute(delete(Dialogue).where(col(Dialogue.chat_id) == chat)))
    await session.execute(update(Invite).where(col(Invite.patient_id) == pid).values(opened_chat_id=None))
    counts.update(await erase_conversation(session, patient, now=now))  # messages and helper (issue 14)
    await _notify_team(session, patient, now)
    patient.alias = f"erased-{pid}"
    patient.chat_id = None
    patient.status, patient.erased_at, patient.stopped_at = "erased", now, patient.stopped_at or now
    patient.regimen_code, patient.regimen = "erased", {}
    patient.baseline_b12_value = patient.baseline_b12_unit = patient.baseline_b12_date = None
    patient.timezone, patient.reminder_time, patient.reachable = "UTC", "00:00", False
    patient.therapy_start = patient.created_at.date()
    patient.planned_until = patient.reviewed_at = patient.unreachable_at = None
    return counts


async def _notify_team(session: AsyncSession, patient: Patient, now: datetime) -> None:
    """A short notice to the team's alert chats: who (the former alias), nothing of their health."""
    for chat in await alert_chats(session, patient.team_id):
        session.add(
            Outbox(
                kind=TEAM_NOTICE,
                dedupe_key=f"erased:{patient.id}:{chat}",
                chat_id=chat,
                patient_id=None,
                ref_id=patient.id,
                due_at=now,
                created_at=now,
                payload={"key": "team_patient_erased", "params": {"alias": patient.alias}},
            )
        )


async def scrub_update(sessions: Sessions, update_id: int) -> None:
    """Blank one stored update (the confirming press itself), after its handler has finished with it.

    On PostgreSQL the drain holds that row locked until it is marked done: this waits for it.
    """
    async with sessions() as session:
        await session.execute(
            update(InboxUpdate).where(col(InboxUpdate.update_id) == update_id).values(payload={"erased": True})
        )
        await session.commit()
