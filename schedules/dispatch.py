"""The dispatcher: claim due outbox rows, decide, send through an injected sender, record.

A row moves pending → claimed → sending → sent (or dropped / expired / failed, or back to pending to
retry). 'sending' is committed before the request goes out, so after a crash a row found in
'sending' may or may not have reached Telegram: it is sent again and recorded as uncertain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from care.protocol import Protocol
from schedules.jobs import Blocked, Deliver, DoseView, Failed, Job, Outcome, Retry, Sent
from schedules.records import record_outcomes
from schedules.sql import is_postgres, rowcount
from storage.engine import Sessions
from storage.models import DoseEvent, Outbox, Patient

DOSE_KINDS = ("dose_reminder", "dose_nudge", "dose_snooze")
# which dose status each kind still makes sense for
WANTED_DOSE_STATUS = {"dose_reminder": "planned", "dose_nudge": "sent", "dose_snooze": "snoozed"}


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    dropped: int = 0
    expired: int = 0
    failed: int = 0
    retried: int = 0
    blocked: int = 0
    counts: dict[str, int] = field(default_factory=dict)


async def recover(sessions: Sessions, *, now: datetime, lease: timedelta) -> int:
    """Give back rows whose claimer stopped: never-sent claims as they were, in-flight ones as uncertain."""
    cutoff = now - lease
    async with sessions() as session:
        claimed = await session.execute(
            update(Outbox)
            .where(col(Outbox.status) == "claimed", col(Outbox.claimed_at) <= cutoff)
            .values(status="pending", claimed_by=None)
        )
        sending = await session.execute(
            update(Outbox)
            .where(col(Outbox.status) == "sending", col(Outbox.claimed_at) <= cutoff)
            .values(status="pending", claimed_by=None, uncertain=True)
        )
        await session.commit()
    return rowcount(claimed) + rowcount(sending)


async def close_unanswered(sessions: Sessions, *, now: datetime) -> int:
    """Doses sent but unanswered when their window closes become 'unconfirmed'."""
    async with sessions() as session:
        result = await session.execute(
            update(DoseEvent)
            .where(col(DoseEvent.status).in_(("sent", "snoozed")), col(DoseEvent.closes_at) <= now)
            .values(status="unconfirmed")
        )
        await session.commit()
    return rowcount(result)


async def dispatch_once(
    sessions: Sessions, *, now: datetime, protocol: Protocol, worker: str, deliver: Deliver, limit: int = 500
) -> DispatchStats:
    stats = DispatchStats()
    async with sessions() as session:
        due = (
            select(col(Outbox.id))
            .where(col(Outbox.status) == "pending", col(Outbox.due_at) <= now)
            .order_by(col(Outbox.due_at))
            .limit(limit)
        )
        if is_postgres(session):
            due = due.with_for_update(skip_locked=True)
        claimed = (
            (
                await session.execute(
                    update(Outbox)
                    .where(col(Outbox.id).in_(due.scalar_subquery()))
                    .values(status="claimed", claimed_by=worker, claimed_at=now)
                    .returning(col(Outbox.id))
                )
            )
            .scalars()
            .all()
        )
        await session.commit()
    stats.claimed = len(claimed)
    if not claimed:
        return stats
    jobs = await _decide(sessions, list(claimed), now=now, protocol=protocol, stats=stats)
    if not jobs:
        return stats
    outcomes: Sequence[Outcome] = await deliver(jobs)
    await record_outcomes(sessions, list(zip(jobs, outcomes, strict=True)), now=now, protocol=protocol)
    for outcome in outcomes:
        if isinstance(outcome, Sent):
            stats.sent += 1
        elif isinstance(outcome, Blocked):
            stats.blocked += 1
        elif isinstance(outcome, Failed):
            stats.failed += 1
        elif isinstance(outcome, Retry):
            stats.retried += 1
    for job, outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Sent):
            stats.counts[job.kind] = stats.counts.get(job.kind, 0) + 1
    return stats


async def _decide(
    sessions: Sessions, ids: list[int], *, now: datetime, protocol: Protocol, stats: DispatchStats
) -> list[Job]:
    """Drop what no longer makes sense, expire what is too late, mark the rest 'sending'."""
    jobs: list[Job] = []
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Outbox, Patient, DoseEvent)
                .join(Patient, col(Patient.id) == col(Outbox.patient_id), isouter=True)
                .join(
                    DoseEvent,
                    (col(DoseEvent.id) == col(Outbox.ref_id)) & col(Outbox.kind).in_(DOSE_KINDS),
                    isouter=True,
                )
                .where(col(Outbox.id).in_(ids))
            )
        ).all()
        changes: list[dict[str, Any]] = []
        dose_changes: list[dict[str, Any]] = []
        for box, patient, dose in rows:
            verdict, dose_status = _verdict(box, patient, dose, now=now, protocol=protocol)
            if verdict in ("dropped", "expired"):
                changes.append({"id": box.id, "status": verdict, "error": dose_status or verdict})
                stats.dropped += verdict == "dropped"
                stats.expired += verdict == "expired"
                if dose is not None and dose_status in ("missed", "not_sent") and dose.status == "planned":
                    dose_changes.append(
                        {
                            "id": dose.id,
                            "status": dose_status,
                            "note": "late" if dose_status == "missed" else patient.status,
                        }
                    )
                continue
            late = now - box.due_at > protocol.doses.late_mark
            changes.append({"id": box.id, "status": "sending", "attempts": box.attempts + 1, "late": late})
            jobs.append(_job(box, patient, dose, late=late))
        if changes:
            await session.execute(update(Outbox), changes)
        if dose_changes:
            await session.execute(update(DoseEvent), dose_changes)
        await session.commit()
    return jobs


def _verdict(
    box: Outbox, patient: Patient | None, dose: DoseEvent | None, *, now: datetime, protocol: Protocol
) -> tuple[str, str | None]:
    if patient is not None:
        if patient.status == "paused" and box.kind in DOSE_KINDS:
            return "dropped", "not_sent"
        if patient.status not in ("active", "paused") or not patient.reachable:
            return "dropped", "not_sent"
    if box.kind in DOSE_KINDS:
        if dose is None or dose.status != WANTED_DOSE_STATUS[box.kind]:
            return "dropped", None
        if now - box.due_at > protocol.doses.late_window:
            return "expired", "missed" if box.kind == "dose_reminder" else None
    return "send", None


def _job(box: Outbox, patient: Patient | None, dose: DoseEvent | None, *, late: bool) -> Job:
    view = None
    if dose is not None and patient is not None:
        assert dose.id is not None
        phase = patient.regimen["phases"][dose.phase_index]
        view = DoseView(
            dose.id, dose.route, phase, dose.phase_start and box.kind == "dose_reminder", dose.local_date, dose.snoozes
        )
    assert box.id is not None
    return Job(
        outbox_id=box.id,
        kind=box.kind,
        chat_id=box.chat_id,
        due_at=box.due_at,
        late=late,
        uncertain=box.uncertain,
        patient_id=box.patient_id,
        language=patient.language if patient else "en",
        timezone=patient.timezone if patient else "UTC",
        payload=box.payload or {},
        dose=view,
        reply_to=dose.message_id if dose is not None and box.kind == "dose_nudge" else None,
    )
