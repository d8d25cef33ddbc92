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

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from schedules.flagging import alert_chats
from services.conversation_records import erase_conversation
from services.enrol_checks import ERASED_PREFIX
from services.person import linked_patients
from storage.models import Patient, Team
from storage.queries import dialogues as dialogues_q
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import inbox as inbox_q
from storage.queries import invites as invites_q
from storage.queries import outbox as outbox_q
from storage.queries import patients as patients_q
from storage.queries import questionnaires as questionnaires_q
from storage.updates import mentions

TEAM_NOTICE = "team_notice"


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
    flag_ids = await flags_q.ids_of(session, patient_id=pid)
    about = outbox_q.of_erased_patient(patient_id=pid, chat_id=chat, flag_ids=flag_ids)
    counts = {"outbox": await agenda.purge(session, about)}
    counts["doses"] = await doses_q.delete_of_patient(session, patient_id=pid)
    counts["questionnaires"] = await questionnaires_q.delete_of_patient(session, patient_id=pid)
    counts["flags"] = await flags_q.delete_of_patient(session, patient_id=pid)
    await invites_q.forget_patient_chat(session, patient_id=pid)
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
    found = await patients_q.aliases_like(session, team_id=patient.team_id, prefix=base, other_than=patient.id)
    taken = {a.lower() for a in found}
    return next(a for n in range(1, len(taken) + 2) if (a := base if n == 1 else f"{base}-{n}") not in taken)


async def _erase_traces(
    session: AsyncSession, chat_id: int, *, now: datetime, keep_update_id: int | None
) -> dict[str, int]:
    """The person's updates in the inbox (by chat, by sender, or named inside), dialogues and opened invites."""
    keep = keep_update_id
    counts = {"inbox": await inbox_q.blank_of_chat(session, chat_id=chat_id, now=now, keep_update_id=keep)}
    found = await inbox_q.naming(session, chat_id=chat_id, keep_update_id=keep)  # a cheap filter, then a look inside
    named = [update_id for update_id, payload in found if mentions(payload, {chat_id})]
    if named:
        counts["inbox"] += await inbox_q.blank(session, update_ids=named, now=now)
    counts["dialogues"] = await dialogues_q.drop_of_chat(session, chat_id=chat_id)
    counts["invites"] = await invites_q.forget_opened_by(session, chat_id=chat_id)
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
