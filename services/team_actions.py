"""What a clinician changes per patient: pause, resume, discharge. Each change is audited; the patient is told.

Pause and resume set the status the dispatcher already honours (dose rows are dropped while paused;
on resume planning starts again from now). Discharge ends every reminder and question, keeps the
record, and queues a kind goodbye. The goodbye is an outbox row without a patient id, because the
dispatcher drops the rows of patients who are no longer active or paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schedules import agenda
from services.team_access import Caller, find, refusal_reason, refuse, scope
from storage import audit
from storage.engine import Sessions
from storage.models import Patient
from storage.queries import doses as doses_q
from storage.queries import invites as invites_q
from storage.queries import outbox as outbox_q
from storage.queries import questionnaires as questionnaires_q
from storage.status import ENROLLED


@dataclass(frozen=True)
class Change:
    outcome: str  # changed unchanged not_allowed cancelled | not_a_member not_found ambiguous erased
    alias: str = ""
    status: str = ""
    patient_id: int = 0


def _notice(patient: Patient, key: str, now: datetime, *, linked: bool = True) -> list[agenda.Entry]:
    if patient.chat_id is None or not patient.reachable:
        return []
    where = agenda.key_team_notice(key, patient.id or 0, now)
    return [agenda.Entry("notice", where, patient.chat_id, now, patient.id if linked else None, payload={"key": key})]


async def set_paused(sessions: Sessions, caller: Caller, alias: str, *, paused: bool, now: datetime) -> Change:
    action = "patient.pause" if paused else "patient.resume"
    async with sessions() as session:
        found = await find(session, caller, alias, action=action, now=now)
        if isinstance(found, str):
            return Change(found, alias)
        patient = found[0]
        before, wanted = patient.status, "paused" if paused else "active"
        if before == wanted:
            return Change("unchanged", patient.alias, before, patient.id or 0)
        if before != ("active" if paused else "paused"):
            return Change("not_allowed", patient.alias, before, patient.id or 0)
        patient.status = wanted
        if not paused:  # the planner starts again from now, as after a patient's own /resume
            patient.planned_until = max(patient.planned_until or now, now)
        await agenda.enqueue(session, _notice(patient, "pt_team_paused" if paused else "pt_team_resumed", now), now=now)
        audit.record(session, at=now, actor=caller.actor, action=action, subject=f"patient:{patient.id}")
        await session.commit()
        return Change("changed", patient.alias, wanted, patient.id or 0)


async def ask_discharge(sessions: Sessions, caller: Caller, alias: str, *, now: datetime) -> Change:
    """Before the Confirm button: may the caller discharge this patient?"""
    async with sessions() as session:
        found = await find(session, caller, alias, action="patient.discharge", now=now)
        if isinstance(found, str):
            return Change(found, alias)
        patient = found[0]
        outcome = "unchanged" if patient.status == "discharged" else "changed"
        return Change(outcome, patient.alias, patient.status, patient.id or 0)


async def discharge(sessions: Sessions, caller: Caller, patient_id: int, *, now: datetime, confirm: bool) -> Change:
    """The Confirm (or Cancel) press: the presser must be an active member of the patient's team, pressing
    in their private chat or in that team's group (team_access.scope), as for every team action."""
    async with sessions() as session:
        patient = await session.get(Patient, patient_id)
        allowed = patient is not None and patient.team_id in await scope(session, caller)
        if patient is None or not allowed:
            reason = "not_found" if patient is None else await refusal_reason(session, caller, patient.team_id)
            subject = f"patient:{patient_id}"
            await refuse(session, caller, action="patient.discharge", now=now, subject=subject, reason=reason)
            return Change(reason)
        if patient.status == "erased":  # asked before the patient erased their data, confirmed after
            subject = f"patient:{patient_id}"
            await refuse(session, caller, action="patient.discharge", now=now, subject=subject, reason="erased")
            return Change("erased")
        if not confirm:
            return Change("cancelled", patient.alias, patient.status, patient_id)
        if patient.status == "discharged":
            return Change("unchanged", patient.alias, patient.status, patient_id)
        was_enrolled = patient.status in ENROLLED
        patient.status, patient.stopped_at = "discharged", now
        await agenda.drop(session, outbox_q.of_patient(patient_id=patient_id), reason="discharged")
        await doses_q.close_planned(session, patient_id=patient_id, note="discharged")
        await questionnaires_q.end_for_discharge(session, patient_id=patient_id)
        # an open invite can no longer enrol the discharged record
        await invites_q.expire_open_invites(session, patient_id=patient_id, now=now)
        if was_enrolled:
            await agenda.enqueue(session, _notice(patient, "pt_discharged", now, linked=False), now=now)
        audit.record(session, at=now, actor=caller.actor, action="patient.discharge", subject=f"patient:{patient_id}")
        await session.commit()
        return Change("changed", patient.alias, "discharged", patient_id)
