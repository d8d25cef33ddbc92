"""Erasing a person's personal and health data (/delete_my_data), inside the caller's transaction.

The person is every patient row they were enrolled as (services/person.py). For each: their doses,
questionnaires (answers, scores), flags, every outbox row for them or about their flags and milestones, and
on the patient row the alias, chat id, regimen, baseline B12, time zone and reminder time. For the person:
every stored update from their chat or sent by them, or naming them anywhere inside it, is blanked (the
inbox keeps the row and its update id, so a replay still changes nothing), their dialogues, and the chat id
kept on every invite they opened. What remains of each row is a stub (id, team, status "erased", created,
consented, stopped and erased times; its alias `erased-<id>`, a prefix no clinician may use) and the audit
rows, which hold ids and counts only. The care team gets a notice naming the former alias.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from schedules.flagging import alert_chats
from services.conversation_records import erase_conversation
from services.enrolment import ERASED_PREFIX
from services.person import linked_patients
from storage.models import Dialogue, DoseEvent, Flag, InboxUpdate, Invite, Outbox, Patient, Questionnaire, Team
from storage.updates import ERASED, mentions

TEAM_NOTICE = "team_notice"


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def erase_person(
    session: AsyncSession, chat_id: int, *, now: datetime, keep_update_id: int | None
) -> list[tuple[int, dict[str, int]]]:
    """Erase every enrolment of the person in this private chat; (patient id, counts removed) for each,
    the person's own counts (inbox, dialogues, invites) on the first. `keep_update_id`: the update being
    handled, which the inbox blanks itself once it is done (Services.forget)."""
    rows = await linked_patients(session, chat_id)
    done = [(p.id or 0, await _erase_enrolment(session, p, now=now)) for p in rows]
    person = await _erase_traces(session, chat_id, now=now, keep_update_id=keep_update_id)
    if done:
        done[0] = (done[0][0], done[0][1] | person)
    return done


async def _erase_enrolment(session: AsyncSession, patient: Patient, *, now: datetime) -> dict[str, int]:
    pid, chat = patient.id, patient.chat_id
    flag_ids = list((await session.exec(select(Flag.id).where(Flag.patient_id == pid))).all())
    about = or_(
        col(Outbox.patient_id) == pid,
        (col(Outbox.kind).in_(("alert", "verdict")) & col(Outbox.ref_id).in_(flag_ids)),
        (col(Outbox.kind) == "milestone") & (col(Outbox.ref_id) == pid),
        *([col(Outbox.chat_id) == chat] if chat is not None else []),
    )
    counts = {"outbox": await agenda.purge(session, about)}
    counts["doses"] = _count(await session.execute(delete(DoseEvent).where(col(DoseEvent.patient_id) == pid)))
    counts["questionnaires"] = _count(
        await session.execute(delete(Questionnaire).where(col(Questionnaire.patient_id) == pid))
    )
    counts["flags"] = _count(await session.execute(delete(Flag).where(col(Flag.patient_id) == pid)))
    await session.execute(update(Invite).where(col(Invite.patient_id) == pid).values(opened_chat_id=None))
    counts.update(await erase_conversation(session, patient, now=now))  # messages and helper (issue 14)
    await _notify_team(session, patient, now)
    patient.alias = await _stub_alias(session, patient)
    patient.chat_id = None
    patient.status, patient.erased_at, patient.stopped_at = "erased", now, patient.stopped_at or now
    patient.regimen_code, patient.regimen = "erased", {}
    patient.baseline_b12_value = patient.baseline_b12_unit = patient.baseline_b12_date = None
    patient.timezone, patient.reminder_time, patient.reachable = "UTC", "00:00", False
    patient.therapy_start = patient.created_at.date()
    patient.planned_until = patient.reviewed_at = patient.unreachable_at = None
    await session.flush()  # the chat id is free before the next row of the person is looked at
    return counts


async def _stub_alias(session: AsyncSession, patient: Patient) -> str:
    """`erased-<id>`; should a row from before the prefix was reserved hold it, `erased-<id>-2`, -3..."""
    base = f"{ERASED_PREFIX}{patient.id}"
    taken = {
        a.lower()
        for a in (
            await session.exec(
                select(Patient.alias).where(
                    col(Patient.team_id) == patient.team_id,
                    func.lower(col(Patient.alias)).like(f"{base}%"),
                    col(Patient.id) != patient.id,
                )
            )
        ).all()
    }
    return next(a for n in range(1, len(taken) + 2) if (a := base if n == 1 else f"{base}-{n}") not in taken)


async def _erase_traces(
    session: AsyncSession, chat_id: int, *, now: datetime, keep_update_id: int | None
) -> dict[str, int]:
    """The person's updates in the inbox (by chat, by sender, or named inside), dialogues and opened invites."""
    blank = {"payload": ERASED, "chat_id": None, "user_id": None}
    done = func.coalesce(col(InboxUpdate.processed_at), now)  # a waiting update from them is not handled
    theirs = or_(col(InboxUpdate.chat_id) == chat_id, col(InboxUpdate.user_id) == chat_id)
    scrub = update(InboxUpdate).where(theirs)
    others = select(col(InboxUpdate.update_id), col(InboxUpdate.payload)).where(
        cast(col(InboxUpdate.payload), String).like(f"%{chat_id}%")  # cheap filter, then a look inside
    )
    if keep_update_id is not None:
        scrub = scrub.where(col(InboxUpdate.update_id) != keep_update_id)
        others = others.where(col(InboxUpdate.update_id) != keep_update_id)
    counts = {"inbox": _count(await session.execute(scrub.values(**blank, processed_at=done)))}
    named = [row[0] for row in (await session.execute(others)).all() if mentions(row[1], {chat_id})]
    if named:
        stmt = update(InboxUpdate).where(col(InboxUpdate.update_id).in_(named)).values(**blank, processed_at=done)
        counts["inbox"] += _count(await session.execute(stmt))
    counts["dialogues"] = _count(await session.execute(delete(Dialogue).where(col(Dialogue.chat_id) == chat_id)))
    opened = update(Invite).where(col(Invite.opened_chat_id) == chat_id).values(opened_chat_id=None)
    counts["invites"] = _count(await session.execute(opened))
    return counts


async def _notify_team(session: AsyncSession, patient: Patient, now: datetime) -> None:
    """A short notice to the team's alert chats: who (the former alias), nothing of their health. The alias
    is blanked from the row once it has been sent (services/retention.py)."""
    team = await session.get(Team, patient.team_id)
    lang = team.language if team is not None else "en"  # the care team's language
    payload = {"key": "team_patient_erased", "params": {"alias": patient.alias}, "lang": lang}
    notices = [
        agenda.Entry(
            TEAM_NOTICE, agenda.key_erased(patient.id or 0, chat), chat, now, ref_id=patient.id, payload=payload
        )
        for chat in await alert_chats(session, patient.team_id)
    ]
    await agenda.enqueue(session, notices, now=now)
