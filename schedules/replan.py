"""Replanning a patient's doses after a change of reminder time, time zone or regimen.

`replan` runs in the caller's transaction, after the caller has set the patient's new `timezone`,
`reminder_time` or `regimen` (the caller commits, or rolls back on `ConfirmationNeeded`):

1. future doses not yet sent are removed: status 'planned', due after `now`, with their reminder still
   'pending' in the outbox (or not queued). A reminder claimed or being sent is never touched, and its
   dose stays. Sent and answered doses are the record and stay as they are;
2. the rule (`schedules.reschedule.plan_change`) runs on the doses that are left: their therapy days
   and slots are covered, so the next dose is neither repeated nor dropped;
3. the reminders the change places itself are inserted, `planned_until` becomes the rule's
   `resume_from`, and the planner plans from there at once;
4. planned weekly questionnaires move to the new time when that is still ahead (else they keep theirs).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from care.regimens import Regimen
from schedules import agenda
from schedules.dosetimes import DoseSlot
from schedules.planner import closes_at, plan_now
from schedules.questionnaires import WEEK
from schedules.reschedule import ChangePlan, Kept, Setting, plan_change
from schedules.timeparse import parse_reminder_time, parse_timezone
from schedules.wallclock import local_to_utc
from storage.models import DoseEvent, Patient
from storage.queries import doses as doses_q
from storage.queries import outbox as outbox_q
from storage.queries import questionnaires as questionnaires_q
from storage.status import OutboxStatus

DOSE_KINDS = ("dose_reminder", "dose_nudge", "dose_snooze")
KEPT_ROWS = 64  # the latest doses the rule looks at (ten days of the busiest regimen, 6 a day)


class ConfirmationNeeded(Exception):
    """The change needs a transition dose the patient has not confirmed; roll back and ask."""

    def __init__(self, plan: ChangePlan) -> None:
        super().__init__("transition dose to confirm")
        self.plan = plan


def setting_of(patient: Patient) -> Setting:
    return Setting(parse_timezone(patient.timezone), parse_reminder_time(patient.reminder_time))


async def replan(
    session: AsyncSession,
    *,
    patient: Patient,
    now: datetime,
    protocol: Protocol,
    old: Setting | None = None,
    transition: bool = True,
    confirmed: datetime | None = None,
) -> ChangePlan:
    """Replan `patient` (already carrying its new settings) at `now`; `old`: the settings before the
    change (default: the same). `transition` False never proposes a transition dose. `confirmed`: the
    transition time the patient accepted, used when it still lies in the rule's window."""
    assert patient.id is not None
    new = setting_of(patient)
    planned = await _remove_unsent(session, patient.id, now, (old or new).zone)
    rows = await doses_q.latest_of_patient(session, patient_id=patient.id, limit=KEPT_ROWS)
    kept = [Kept(d.due_at, d.local_date, d.slot, d.phase_index) for d in rows]
    plan = plan_change(
        Regimen.from_dict(patient.regimen),
        start=patient.therapy_start,
        old=old or new,
        new=new,
        now=now,
        kept=kept,
        planned=planned,
        rules=protocol.doses,
        transition=transition,
    )
    if plan.transition is not None:
        window = plan.window or (plan.transition.due_at, plan.transition.due_at)
        if confirmed is None or not window[0] <= confirmed <= window[1]:
            raise ConfirmationNeeded(plan)
        plan = _with_transition_at(plan, confirmed, new)
    await _insert(session, patient, plan.extra, now=now, protocol=protocol)
    patient.planned_until = plan.resume_from
    session.add(patient)
    await plan_now(session, [patient], now=now, protocol=protocol)
    await _move_questionnaires(session, patient, new, now)
    return plan


def _with_transition_at(plan: ChangePlan, at: datetime, setting: Setting) -> ChangePlan:
    assert plan.transition is not None
    moved = replace(plan.transition, due_at=at, local_time=at.astimezone(setting.zone).time())
    extra = tuple(sorted((moved if s is plan.transition else s for s in plan.extra), key=lambda s: s.due_at))
    return replace(plan, extra=extra, transition=moved, next_dose=extra[0].due_at)


async def _remove_unsent(session: AsyncSession, patient_id: int, now: datetime, zone: ZoneInfo) -> list[DoseSlot]:
    """Delete the future doses not yet sent (and their pending reminders); returns them as they were."""
    future = await doses_q.planned_after(session, patient_id=patient_id, after=now)
    boxes = await outbox_q.statuses_about(session, kinds=DOSE_KINDS, ref_ids=[row[0] for row in future])
    busy = {ref for ref, status in boxes if status != OutboxStatus.PENDING}  # claimed or sending: never touched
    removed = [row for row in future if row[0] not in busy]
    gone = [row[0] for row in removed]
    if gone:
        await agenda.purge(session, outbox_q.of_kinds_about(kinds=DOSE_KINDS, ref_ids=gone), pending_only=True)
        await doses_q.delete_ids(session, ids=gone)
    return [
        DoseSlot(due, day, due.astimezone(zone).time(), index, start, n) for _, due, day, index, start, n in removed
    ]


async def _insert(
    session: AsyncSession, patient: Patient, slots: tuple[DoseSlot, ...], *, now: datetime, protocol: Protocol
) -> None:
    """The change's own reminders (all after `now`, where every unsent dose was just removed)."""
    zone = parse_timezone(patient.timezone)
    for s in slots:
        route = str(patient.regimen["phases"][s.phase_index]["route"])
        day = s.due_at.astimezone(zone).date()  # open until the end of the local day it is sent on
        closes = closes_at(route=route, local_date=day, due_at=s.due_at, zone=zone, protocol=protocol)
        dose = DoseEvent(patient_id=patient.id or 0, due_at=s.due_at, local_date=s.local_date, slot=s.slot,
                         phase_index=s.phase_index, phase_start=s.phase_start, route=route,
                         closes_at=closes, timezone=patient.timezone)  # fmt: skip
        session.add(dose)
        await session.flush()
        assert dose.id is not None
        entry = agenda.Entry(
            "dose_reminder", agenda.key_dose(dose.id), patient.chat_id or 0, s.due_at, patient.id, dose.id
        )
        await agenda.enqueue(session, [entry], now=now)


async def _move_questionnaires(session: AsyncSession, patient: Patient, setting: Setting, now: datetime) -> None:
    for q in await questionnaires_q.planned_after(session, patient_id=patient.id, after=now):
        due = local_to_utc(patient.therapy_start + q.week * WEEK, setting.at, setting.zone)
        if due <= now or due == q.due_at:
            continue
        if await agenda.move(session, outbox_q.about(kind="questionnaire", ref_id=q.id), due_at=due):
            q.due_at = due
            session.add(q)
