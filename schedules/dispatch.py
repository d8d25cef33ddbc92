"""The dispatcher: claim due outbox rows, decide, send through an injected sender, record.

A row moves pending → claimed → sending → sent (or dropped / expired / failed, or back to pending to
retry). 'sending' is committed before the request goes out, so after a crash a row found in
'sending' may or may not have reached Telegram: it is sent again and recorded as uncertain.

A batch is handed to the sender a slice at a time, each slice recorded as soon as it is done. A slow
batch (429s, time-outs) renews its claim between slices, so another process's recovery never takes
rows still being worked on; a row taken anyway (this process stalled past the lease) is left to its
new owner. Outcomes are timed when known (a retry_after counts from the answer, not from the claim).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from care.protocol import Protocol
from schedules.closing import close_unanswered
from schedules.decide import decide
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Retry, Sent
from schedules.records import mark_sending, record_outcomes
from schedules.sql import is_postgres, rowcount
from storage.engine import Sessions
from storage.models import Outbox
from storage.status import OutboxStatus

SLICE = 10  # jobs handed to the sender at once (and marked sending just before): small keeps httpx's pool cheap
RENEW_EVERY = timedelta(seconds=30)  # well inside the claim lease (schedules/tick.py CLAIM_LEASE, 2 minutes)
__all__ = ["DispatchStats", "close_unanswered", "dispatch_once", "recover", "renew"]
OUTCOME_FIELDS = {Sent: "sent", Blocked: "blocked", Failed: "failed", Retry: "retried"}


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
            .where(col(Outbox.status) == OutboxStatus.CLAIMED, col(Outbox.claimed_at) <= cutoff)
            .values(status=OutboxStatus.PENDING, claimed_by=None)
        )
        sending = await session.execute(
            update(Outbox)
            .where(col(Outbox.status) == OutboxStatus.SENDING, col(Outbox.claimed_at) <= cutoff)
            .values(status=OutboxStatus.PENDING, claimed_by=None, uncertain=True)
        )
        await session.commit()
    return rowcount(claimed) + rowcount(sending)


async def renew(sessions: Sessions, ids: list[int], *, worker: str, at: datetime) -> set[int]:
    """Extend `worker`'s claim on `ids` to `at`; returns the ids it still holds (not recovered by others)."""
    async with sessions() as session:
        held = await session.execute(
            update(Outbox)
            .where(
                col(Outbox.id).in_(ids),
                col(Outbox.claimed_by) == worker,
                col(Outbox.status).in_((OutboxStatus.CLAIMED, OutboxStatus.SENDING)),
            )
            .values(claimed_at=at)
            .returning(col(Outbox.id))
        )
        ours = set(held.scalars().all())
        await session.commit()
    return ours


async def dispatch_once(
    sessions: Sessions,
    *,
    now: datetime,
    protocol: Protocol,
    worker: str,
    deliver: Deliver,
    limit: int = 500,
    clock: Callable[[], datetime] | None = None,
) -> DispatchStats:
    """Claim due rows, decide, send them in slices and record. `clock` (the current time) renews the
    claim of a slow batch and times the outcomes; without it, time is taken to stand still at `now`."""
    stats = DispatchStats()
    async with sessions() as session:
        due = (
            select(col(Outbox.id))
            .where(col(Outbox.status) == OutboxStatus.PENDING, col(Outbox.due_at) <= now)
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
                    .values(status=OutboxStatus.CLAIMED, claimed_by=worker, claimed_at=now)
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
    jobs, dropped, expired = await decide(sessions, list(claimed), now=now, protocol=protocol)
    stats.dropped, stats.expired = dropped, expired
    if not jobs:
        return stats
    results = await _send_in_slices(
        sessions, jobs, worker=worker, deliver=deliver, now=now, clock=clock, protocol=protocol
    )
    for job, outcome in results:
        name = OUTCOME_FIELDS[type(outcome)]
        setattr(stats, name, getattr(stats, name) + 1)
        if isinstance(outcome, Sent):
            stats.counts[job.kind] = stats.counts.get(job.kind, 0) + 1
    return stats


async def _send_in_slices(
    sessions: Sessions,
    jobs: list[Job],
    *,
    worker: str,
    deliver: Deliver,
    now: datetime,
    clock: Callable[[], datetime] | None,
    protocol: Protocol,
) -> list[tuple[Job, Outcome]]:
    """Each slice is marked 'sending' just before it goes out and recorded just after (one transaction
    between slices), so a crash leaves at most one slice unknown (uncertain) and nothing sent unrecorded."""
    results: list[tuple[Job, Outcome]] = []
    renewed = now
    async with sessions() as session:
        await mark_sending(session, [job.outbox_id for job in jobs[:SLICE]])
        await session.commit()
    while jobs:
        if clock is not None and clock() - renewed >= RENEW_EVERY:
            renewed = clock()
            held = await renew(sessions, [job.outbox_id for job in jobs], worker=worker, at=renewed)
            jobs = [job for job in jobs if job.outbox_id in held]  # the rest was taken over: not ours to send
            async with sessions() as session:
                await mark_sending(session, [job.outbox_id for job in jobs[:SLICE]])
                await session.commit()
        part, jobs = jobs[:SLICE], jobs[SLICE:]
        if not part:
            break
        done = list(zip(part, await deliver(part), strict=True))
        next_ids = [job.outbox_id for job in jobs[:SLICE]]
        await record_outcomes(sessions, done, now=clock() if clock else now, protocol=protocol, sending_next=next_ids)
        results.extend(done)
    return results
