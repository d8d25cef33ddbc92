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
from storage.queries import outbox as outbox_q
from storage.queries import questionnaires as questionnaires_q
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
    """The claimed rows `ids` as jobs to send; the rest dropped, expired or deferred (counts of the first two).
    Each row is one flat row of storage/queries/outbox.with_refs (the outbox row, its patient, dose, questionnaire)."""
    jobs: list[Job] = []
    dropped = expired = 0
    async with sessions() as session:
        rows = await outbox_q.with_refs(session, ids=ids, dose_kinds=DOSE_KINDS)
        busy = await questionnaires_q.answering(
            session,
            patient_ids={r.patient_id for r in rows if r.p_status is not None},
            since=now - protocol.questionnaires.active_within,
        )
        boxes: list[dict[str, Any]] = []
        doses: list[dict[str, Any]] = []
        questionnaires: list[dict[str, Any]] = []
        # a questionnaire going out in this very batch holds back that patient's reminder too
        busy |= {r.patient_id for r in rows if r.q_status == "planned"}
        for r in rows:
            verdict, note = _verdict(r, busy=busy, now=now, protocol=protocol)
            if verdict == "defer":  # marked: only these are released when the questions are done
                boxes.append(agenda.defer({"id": r.id, "claimed_by": None}, until=now + DEFER_STEP))
                continue
            if verdict in (OutboxStatus.DROPPED, OutboxStatus.EXPIRED):
                boxes.append({"id": r.id, "status": verdict, "error": note or verdict})
                dropped += verdict == OutboxStatus.DROPPED
                expired += verdict == OutboxStatus.EXPIRED
                if r.d_status == "planned" and note in ("missed", "not_sent"):
                    doses.append({"id": r.d_id, "status": note, "note": "late" if note == "missed" else r.p_status})
                if r.q_status == "planned":
                    questionnaires.append({"id": r.q_id, "status": "not_sent"})
                continue
            reference = r.d_due_at if r.d_id is not None and r.kind == "dose_reminder" else r.due_at
            if r.error == agenda.HELD:  # the bot chose to wait (questions open): late only past the end of the wait
                reference = r.due_at
            jobs.append(_job(r, late=now - reference > protocol.doses.late_mark))
        for table, changes in ((Outbox, boxes), (DoseEvent, doses), (Questionnaire, questionnaires)):
            if changes:
                await update_by_id(session, model=table, changes=changes)
        await session.commit()
    return jobs, dropped, expired


def _verdict(r: Any, *, busy: set[int], now: datetime, protocol: Protocol) -> tuple[str, str | None]:
    if r.p_status is not None:
        if r.p_status not in ENROLLED or not r.reachable:
            return OutboxStatus.DROPPED, "not_sent"
        if r.p_status == "paused" and r.kind in PATIENT_KINDS:
            return OutboxStatus.DROPPED, "not_sent"
    if r.kind == "questionnaire":
        if r.q_status != "planned":  # None: no questionnaire
            return OutboxStatus.DROPPED, None
        if now - r.q_due_at > protocol.questionnaires.expire_after:
            return "expired", None
    if r.kind in DOSE_KINDS:
        if r.d_status is None or r.d_status != WANTED_DOSE_STATUS[r.kind]:
            return OutboxStatus.DROPPED, None
        reference = r.d_due_at if r.kind == "dose_reminder" else r.due_at
        if now - reference > protocol.doses.late_window:
            return "expired", "missed" if r.kind == "dose_reminder" else None
        if r.kind == "dose_reminder" and r.d_patient_id in busy:
            return "defer", None
    return "send", None


def _job(r: Any, *, late: bool) -> Job:
    patient = r.p_status is not None
    view = None
    if r.d_id is not None and patient:
        phase = r.regimen["phases"][r.phase_index]
        view = DoseView(r.d_id, r.route, phase, r.phase_start and r.kind == "dose_reminder", r.local_date, r.snoozes)
    payload = dict(r.payload or {})
    if r.q_id is not None:
        payload.update(questionnaire_id=r.q_id, kind=r.q_kind, week=r.week)
        if patient:  # the questions depend on the route: no injection questions for oral B12
            payload["injections"] = any(p.get("route") == "im" for p in r.regimen.get("phases", ()))
    return Job(
        outbox_id=r.id,
        kind=r.kind,
        chat_id=r.chat_id,
        due_at=r.due_at,
        late=late,
        uncertain=r.uncertain,
        patient_id=r.patient_id,
        language=r.language if patient else str(payload.get("lang", "en")),  # a notice after erasure
        timezone=r.timezone if patient else "UTC",
        payload=payload,
        dose=view,
        reply_to=r.message_id if r.d_id is not None and r.kind == "dose_nudge" else None,
        edits=(r.message_id, r.nudge_message_id) if r.d_id is not None and r.kind == "dose_close" else (),
    )
