"""A batch keeps its claim while one slice is out (issue 17: slices of 50, schedules/lease.py): another
process's recovery must not take rows whose requests are still going out, or they are sent twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.sandbox.procs import seed
from care.protocol import default_protocol
from schedules import lease
from schedules.dispatch import SLICE, dispatch_once, recover
from schedules.jobs import Job, Outcome, Sent
from storage.engine import make_engine, make_sessions
from storage.models import Outbox

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)  # schedules/tick.py CLAIM_LEASE


class Clock:
    def __init__(self) -> None:
        self.now = NOW + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize("how", ["heartbeat", "by time"])
async def test_one_slice_held_up_past_the_lease_keeps_its_claim(
    database_url: str, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """One slice (fewer rows than SLICE) whose sending takes 4 x 50 s: its requests going out one after another
    (each says so: the heartbeat), or all of it waiting inside one request (the rate limiter: renewed by time).
    Meanwhile another process recovers stale claims and sends what it claims; no reminder may go out twice."""
    monkeypatch.setattr(lease, "WATCH_SECONDS", 0.01)
    n = 4
    assert n < SLICE
    await seed(database_url, n, NOW)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)
    protocol, clock = default_protocol(), Clock()
    sent: Counter[int] = Counter()

    async def other(jobs: Sequence[Job]) -> Sequence[Outcome]:
        sent.update(job.chat_id for job in jobs)
        return [Sent(1) for _ in jobs]

    async def claimed_at() -> set[datetime | None]:
        async with sessions() as session:
            query = select(Outbox.claimed_at).where(col(Outbox.status) == "sending")
            return set((await session.exec(query)).all())

    async def held(jobs: Sequence[Job]) -> Sequence[Outcome]:
        for job in jobs:
            clock.now += timedelta(seconds=50)  # this request waited 50 s (429s) before it went out
            if how == "heartbeat":
                await lease.heartbeat()  # as bot/sending/delivery.py does before each request
            else:  # real time passes too: the lease's watch looks at the clock
                started = time.monotonic()
                while clock.now not in await claimed_at():
                    assert time.monotonic() - started < 20, "the claim was not renewed while the slice was out"
                    await asyncio.sleep(0.02)
            await recover(sessions, now=clock.now, lease=LEASE)  # another process, meanwhile
            await dispatch_once(sessions, now=clock.now, protocol=protocol, worker="other", deliver=other)
            sent[job.chat_id] += 1
        return [Sent(2) for _ in jobs]

    try:
        stats = await dispatch_once(sessions, now=clock(), protocol=protocol, worker="w", deliver=held, clock=clock)
        assert stats.sent == n
        assert len(sent) == n and max(sent.values()) == 1  # each reminder once, none lost
    finally:
        await engine.dispose()
