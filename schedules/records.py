"""Recording what happened to each send, with its consequences, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from care.protocol import Protocol
from schedules import agenda, flagging
from schedules.jobs import Blocked, Failed, Job, Outcome, Retry, Sent, Skipped
from schedules.team_reroute import TEAM_KINDS, after_refusal
from storage import audit
from storage.engine import Sessions
from storage.models import Patient
from storage.queries import dispatch as dispatch_q
from storage.queries import outbox as outbox_q
from storage.queries import patients as patients_q
from storage.status import OutboxStatus


def nudge_after(route: str, protocol: Protocol) -> timedelta:
    return protocol.doses.injection_nudge_after if route == "im" else protocol.doses.oral_nudge_after


async def record_outcomes(
    sessions: Sessions,
    results: list[tuple[Job, Outcome]],
    *,
    now: datetime,
    protocol: Protocol,
    sending_next: Sequence[Job] = (),
) -> None:
    """Record a slice's outcomes and, in the same transaction, mark the next slice's rows 'sending'."""
    box_changes: list[dict[str, Any]] = []
    dose_changes: list[dict[str, Any]] = []
    nudges: list[agenda.Entry] = []
    opened: list[dict[str, Any]] = []
    blocked_chats: set[int] = set()
    refused_team: list[tuple[Job, Blocked]] = []
    for job, outcome in results:
        if isinstance(outcome, Sent):
            box_changes.append(
                {"id": job.outbox_id, "status": "sent", "sent_at": now, "message_id": outcome.message_id, "error": None}
            )
            if job.dose is not None and job.kind != "dose_close":
                _after_dose_sent(job, outcome, now=now, protocol=protocol, doses=dose_changes, nudges=nudges)
            elif job.kind == "questionnaire":
                opened.append(
                    {
                        "id": job.payload["questionnaire_id"],
                        "status": "in_progress",
                        "sent_at": now,
                        "last_answer_at": now,
                        "message_id": outcome.message_id,
                        "expires_at": now + protocol.questionnaires.expire_after,
                    }
                )
        elif isinstance(outcome, Blocked):
            box_changes.append({"id": job.outbox_id, "status": "failed", "error": outcome.reason})
            if job.kind in TEAM_KINDS:  # a care team's chat, not a patient's
                refused_team.append((job, outcome))
            else:
                blocked_chats.add(job.chat_id)
        elif isinstance(outcome, Failed):
            box_changes.append({"id": job.outbox_id, "status": "failed", "error": outcome.error[:200]})
        elif isinstance(outcome, Skipped):
            box_changes.append({"id": job.outbox_id, "status": OutboxStatus.DROPPED, "error": outcome.reason[:200]})
        elif isinstance(outcome, Retry):
            change: dict[str, Any] = {
                "id": job.outbox_id,
                "status": OutboxStatus.PENDING,
                "claimed_by": None,
                "due_at": now + timedelta(seconds=outcome.after_seconds),
                "error": outcome.error[:200] or None,
            }
            if outcome.uncertain:
                change["uncertain"] = True
            box_changes.append(change)
    done_notices = {j.outbox_id for j, o in results if j.kind == "team_notice" and not isinstance(o, Retry)}
    for change in box_changes:  # a team notice names a former alias (an erasure): not kept once it is done
        if change["id"] in done_notices:
            change["payload"] = None
    async with sessions() as session:
        for job, blocked in refused_team:  # the team's group refused: follow it, or reach every member
            if (again := await after_refusal(session, job, blocked, now=now)) is not None:
                box_changes = [c for c in box_changes if c["id"] != job.outbox_id] + [again]
        await dispatch_q.record(session, outbox=box_changes, doses=dose_changes, questionnaires=opened)
        await agenda.enqueue(session, nudges, now=now, ids=False)  # their ids are not needed
        for chat_id in blocked_chats:
            await mark_unreachable(session, chat_id=chat_id, now=now, source="send")
        await mark_sending(session, sending_next)
        await session.commit()


async def mark_sending(session: Any, jobs: Sequence[Job]) -> None:
    """From here on a crash leaves these rows' fate unknown: recovery re-sends them as uncertain. Each counts
    as an attempt, and the row says whether it went out late."""
    ids = [job.outbox_id for job in jobs]
    await dispatch_q.mark_sending(session, ids=ids, late={job.outbox_id for job in jobs if job.late})


def _after_dose_sent(
    job: Job,
    outcome: Sent,
    *,
    now: datetime,
    protocol: Protocol,
    doses: list[dict[str, Any]],
    nudges: list[agenda.Entry],
) -> None:
    assert job.dose is not None
    if job.kind == "dose_nudge":
        doses.append({"id": job.dose.id, "nudge_message_id": outcome.message_id})
        return
    doses.append(
        {"id": job.dose.id, "status": "sent", "message_id": outcome.message_id, "sent_at": now, "late": job.late}
    )
    if job.kind == "dose_reminder":
        nudges.append(
            agenda.Entry(
                "dose_nudge",
                agenda.key_dose(job.dose.id, "nudge"),
                job.chat_id,
                now + nudge_after(job.dose.route, protocol),
                job.patient_id,
                job.dose.id,
            )
        )


async def mark_unreachable(session: Any, *, chat_id: int, now: datetime, source: str) -> int | None:
    """The patient blocked the bot: no more sends until they come back. Returns the patient id."""
    patient_id = await patients_q.mark_unreachable(session, chat_id=chat_id, now=now)
    if patient_id is None:
        return None
    await agenda.drop(session, outbox_q.to_chat(chat_id=chat_id), reason="unreachable")
    patient = await session.get(Patient, patient_id)
    assert patient is not None
    await flagging.on_unreachable(session, patient=patient, now=now)
    audit.record(
        session,
        at=now,
        actor="system",
        action="patient.unreachable",
        subject=f"patient:{patient_id}",
        detail={"source": source},
    )
    return patient_id
