"""The dispatcher: claim due outbox rows, decide, send through an injected sender, record.

A row moves pending → claimed → sending → sent (or dropped / expired / failed, or back to pending to
retry). 'sending' is committed before the request goes out, so after a crash a row found in
'sending' may or may not have reached Telegram: it is sent again and recorded as uncertain.

A batch is handed to the sender a slice at a time, pipelined: each slice's outcomes are recorded (and the
next slice marked 'sending') in one transaction while the following slice is being sent. A slow
batch (429s, time-outs) renews its claim as it goes (schedules/lease.py: between slices, before each
request, and by time while a slice is out), so another process's recovery never takes rows still being
worked on; a row taken anyway (this process stalled past the lease) is left to its new owner. Outcomes
are timed when known (a retry_after counts from the answer, not from the claim).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from care.protocol import Protocol
from schedules.closing import close_unanswered
from schedules.decide import decide
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Retry, Sent, Skipped
from schedules.lease import Lease
from schedules.records import mark_sending, record_outcomes
from storage.engine import Sessions
from storage.queries import dispatch as dispatch_q

SLICE = 50  # jobs handed to the sender at once, marked sending just before and recorded together (schedules/lease.py)
__all__ = ["DispatchStats", "close_unanswered", "dispatch_once", "recover"]
OUTCOME_FIELDS = {Sent: "sent", Blocked: "blocked", Failed: "failed", Retry: "retried", Skipped: "dropped"}


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
    async with sessions() as session:
        released = await dispatch_q.release_stale(session, cutoff=now - lease)
        await session.commit()
    return released


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
        claimed = await dispatch_q.claim_due(session, now=now, worker=worker, limit=limit)
        await session.commit()
    stats.claimed = len(claimed)
    if not claimed:
        return stats
    jobs, dropped, expired = await decide(sessions, claimed, now=now, protocol=protocol)
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
    """Pipelined: while slice k is sent, one transaction records slice k-1's outcomes and marks slice k+1
    'sending'; k+1 goes out once both are done. A row is 'sending' (committed) before its request and stays
    so until its outcome is recorded, so a crash leaves at most three slices unknown (re-sent as uncertain)
    and nothing sent unrecorded; the database's work overlaps the sends instead of waiting for them."""
    results: list[tuple[Job, Outcome]] = []
    done: list[tuple[Job, Outcome]] = []  # the slice sent last: recorded while the next one goes out
    lease = Lease(sessions, worker, [job.outbox_id for job in jobs], renewed=now, clock=clock)
    applied = 0  # the lease's renewals already applied to `jobs`
    async with sessions() as session:
        await mark_sending(session, jobs[:SLICE])
        await session.commit()
    while jobs:
        await lease.keep()  # between slices too, whatever the sender does
        if lease.renewals != applied and lease.held is not None:
            applied = lease.renewals
            jobs = [job for job in jobs if job.outbox_id in lease.held]  # the rest was taken over: not ours to send
            async with sessions() as session:
                await mark_sending(session, jobs[:SLICE])
                await session.commit()
        part, jobs = jobs[:SLICE], jobs[SLICE:]
        if not part:
            break
        coming = jobs[:SLICE]
        if done or coming:
            at = clock() if clock else now
            record = record_outcomes(sessions, done, now=at, protocol=protocol, sending_next=coming)
            lease.recording = asyncio.ensure_future(record)
        try:
            async with lease.out():  # renewed as the slice's requests go out, and by time
                outcomes = await deliver(part)
        finally:
            if lease.recording is not None:
                await lease.recording  # recorded (or failed) before anything else happens
                lease.recording = None
        results.extend(done)
        done = list(zip(part, outcomes, strict=True))
    if done:
        await record_outcomes(sessions, done, now=clock() if clock else now, protocol=protocol)
        results.extend(done)
    return results
