"""Deciding, for each claimed outbox row, whether it is still worth sending.

Dropped: the patient paused, stopped or blocked the bot, or the dose was answered. Expired: too late to
be useful (the dose is recorded missed). Deferred: a dose reminder while the patient is answering a
questionnaire. The rest stays claimed, unchanged, and becomes a Job: the dispatcher marks it 'sending' (an
attempt, late or not) just before its slice goes out, so a batch of plain reminders is one read here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from care.protocol import Protocol
from schedules import agenda
from schedules.jobs import DoseView, Job
from storage.engine import Sessions
from storage.models import DoseEvent, Outbox, Questionnaire
from storage.queries import claimed as claimed_q
from storage.queries import questionnaires as questionnaires_q
from storage.queries.claimed import ClaimedRow, DoseOf, PatientOf, QuestionnaireOf
from storage.queries.dialect import update_by_id
from storage.status import ENROLLED, OutboxStatus

DOSE_KINDS = ("dose_reminder", "dose_nudge", "dose_snooze", "dose_close")
PATIENT_KINDS = (*DOSE_KINDS[:3], "questionnaire")  # not sent while paused (a closed reminder is still closed)
# the dose status each kind still makes sense for
WANTED_DOSE_STATUS = {"dose_reminder": "planned", "dose_nudge": "sent", "dose_snooze": "snoozed"}
WANTED_DOSE_STATUS["dose_close"] = "unconfirmed"
DEFER_STEP = timedelta(minutes=1)


async def decide(
    sessions: Sessions, ids: list[int], *, now: datetime, protocol: Protocol
) -> tuple[list[Job], int, int]:
    jobs: list[Job] = []
    dropped = expired = 0
    async with sessions() as session:
        rows = await claimed_q.claimed(session, ids=ids, dose_kinds=DOSE_KINDS)  # (row, patient, dose, questionnaire)
        busy = await questionnaires_q.answering(
            session,
            patient_ids={r[1].id for r in rows if r[1] is not None},
            since=now - protocol.questionnaires.active_within,
        )
        boxes: list[dict[str, Any]] = []
        doses: list[dict[str, Any]] = []
        questionnaires: list[dict[str, Any]] = []
        # a questionnaire going out in this very batch holds back that patient's reminder too
        busy |= {box.patient_id for box, _, _, q in rows if q is not None and q.status == "planned" and box.patient_id}
        for box, patient, dose, q in rows:
            verdict, note = _verdict(box, patient, dose, q, busy=busy, now=now, protocol=protocol)
            if verdict == "defer":  # marked: only these are released when the questions are done
                boxes.append(agenda.defer({"id": box.id, "claimed_by": None}, until=now + DEFER_STEP))
                continue
            if verdict in (OutboxStatus.DROPPED, OutboxStatus.EXPIRED):
                boxes.append({"id": box.id, "status": verdict, "error": note or verdict})
                dropped += verdict == OutboxStatus.DROPPED
                expired += verdict == OutboxStatus.EXPIRED
                if dose is not None and dose.status == "planned" and note in ("missed", "not_sent"):
                    why = patient.status if patient is not None and note == "not_sent" else "late"
                    doses.append({"id": dose.id, "status": note, "note": why})
                if q is not None and q.status == "planned":
                    questionnaires.append({"id": q.id, "status": "not_sent"})
                continue
            reference = dose.due_at if dose is not None and box.kind == "dose_reminder" else box.due_at
            if box.error == agenda.HELD:  # the bot chose to wait (questions open): late only past the end of the wait
                reference = box.due_at
            jobs.append(_job(box, patient, dose, q, late=now - reference > protocol.doses.late_mark))
        for table, changes in ((Outbox, boxes), (DoseEvent, doses), (Questionnaire, questionnaires)):
            if changes:
                await update_by_id(session, model=table, changes=changes)
        await session.commit()
    return jobs, dropped, expired


def _verdict(
    box: ClaimedRow,
    patient: PatientOf | None,
    dose: DoseOf | None,
    q: QuestionnaireOf | None,
    *,
    busy: set[int],
    now: datetime,
    protocol: Protocol,
) -> tuple[str, str | None]:
    if patient is not None:
        if patient.status not in ENROLLED or not patient.reachable:
            return OutboxStatus.DROPPED, "not_sent"
        if patient.status == "paused" and box.kind in PATIENT_KINDS:
            return OutboxStatus.DROPPED, "not_sent"
    if box.kind == "questionnaire":
        if q is None or q.status != "planned":
            return OutboxStatus.DROPPED, None
        if now - q.due_at > protocol.questionnaires.expire_after:
            return "expired", None
    if box.kind in DOSE_KINDS:
        if dose is None or dose.status != WANTED_DOSE_STATUS[box.kind]:
            return OutboxStatus.DROPPED, None
        reference = dose.due_at if box.kind == "dose_reminder" else box.due_at
        if now - reference > protocol.doses.late_window:
            return "expired", "missed" if box.kind == "dose_reminder" else None
        if box.kind == "dose_reminder" and dose.patient_id in busy:
            return "defer", None
    return "send", None


def _job(
    box: ClaimedRow, patient: PatientOf | None, dose: DoseOf | None, q: QuestionnaireOf | None, *, late: bool
) -> Job:
    view = None
    if dose is not None and patient is not None:
        phase = patient.regimen["phases"][dose.phase_index]
        view = DoseView(
            dose.id, dose.route, phase, dose.phase_start and box.kind == "dose_reminder", dose.local_date, dose.snoozes
        )
    payload = dict(box.payload or {})
    if q is not None:
        payload.update(questionnaire_id=q.id, kind=q.kind, week=q.week)
        if patient is not None:  # the questions depend on the route: no injection questions for oral B12
            payload["injections"] = any(p.get("route") == "im" for p in patient.regimen.get("phases", ()))
    return Job(
        outbox_id=box.id,
        kind=box.kind,
        chat_id=box.chat_id,
        due_at=box.due_at,
        late=late,
        uncertain=box.uncertain,
        patient_id=box.patient_id,
        language=patient.language if patient else str(payload.get("lang", "en")),  # a notice after erasure
        timezone=patient.timezone if patient else "UTC",
        payload=payload,
        dose=view,
        reply_to=dose.message_id if dose is not None and box.kind == "dose_nudge" else None,
        edits=(dose.message_id, dose.nudge_message_id) if dose is not None and box.kind == "dose_close" else (),
    )
