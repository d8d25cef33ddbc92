"""The dispatcher: claim due outbox rows, decide, send through an injected sender, record.

A row moves pending → claimed → sending → sent (or dropped / expired / failed, or back to pending to
retry). 'sending' is committed before the request goes out, so after a crash a row found in
'sending' may or may not have reached Telegram: it is sent again and recorded as uncertain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from care.protocol import Protocol
from schedules.decide import decide
from schedules.jobs import Blocked, Deliver, Failed, Outcome, Retry, Sent
from schedules.records import record_outcomes
from schedules.sql import is_postgres, rowcount
from storage.engine import Sessions
from storage.models import DoseEvent, Outbox


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
    jobs, dropped, expired = await decide(sessions, list(claimed), now=now, protocol=protocol)
    stats.dropped, stats.expired = dropped, expired
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
