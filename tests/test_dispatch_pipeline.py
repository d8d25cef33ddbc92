"""The dispatcher's pipeline (issue 17): slice k is sent while slice k-1's outcomes are recorded and slice k+1
is marked 'sending'; a row is 'sending' before its request goes out; two dispatchers never send a row twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from bot.sandbox.procs import seed
from care.protocol import default_protocol
from schedules.dispatch import SLICE, dispatch_once
from schedules.jobs import Job, Outcome, Sent
from storage.engine import Sessions, make_engine, make_sessions
from storage.models import Outbox
from storage.status import OutboxStatus

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def statuses(sessions: Sessions, ids: Sequence[int]) -> set[str]:
    async with sessions() as session:
        query = select(col(Outbox.status)).where(col(Outbox.id).in_(ids))
        return set((await session.exec(query)).all())


async def sending(sessions: Sessions) -> int:
    async with sessions() as session:
        query = select(func.count()).where(col(Outbox.status) == OutboxStatus.SENDING)
        return int((await session.exec(query)).one())


async def wait_for(check: Callable[[], Awaitable[bool]], what: str, within: float = 20.0) -> None:
    """Poll until `check` holds; without the pipeline it never does while the slice is held back."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < within, f"not pipelined: {what}"
        await asyncio.sleep(0.02)


async def test_the_next_slice_is_marked_and_the_last_recorded_while_a_slice_is_sent(database_url: str) -> None:
    n = 2 * SLICE + 5  # three slices: 10, 10, 5
    await seed(database_url, n, NOW)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)
    slices: list[list[int]] = []

    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        ids = [job.outbox_id for job in jobs]
        assert await statuses(sessions, ids) == {OutboxStatus.SENDING}  # committed before the request
        later = n - sum(map(len, slices)) - len(ids)
        expected = len(ids) + min(SLICE, later)  # this slice and the next one, nothing earlier
        earlier = slices[-1] if slices else []

        async def marked_ahead() -> bool:
            return await sending(sessions) == expected

        async def recorded() -> bool:
            return not earlier or await statuses(sessions, earlier) == {"sent"}

        await wait_for(marked_ahead, f"slice {len(slices) + 2} marked 'sending' while slice {len(slices) + 1} is sent")
        await wait_for(recorded, f"slice {len(slices)} recorded while slice {len(slices) + 1} is sent")
        slices.append(ids)
        return [Sent(1000 + i) for i in ids]

    try:
        stats = await dispatch_once(sessions, now=NOW, protocol=default_protocol(), worker="w", deliver=deliver)
        assert stats.sent == n and [len(s) for s in slices] == [SLICE, SLICE, 5]
        assert await statuses(sessions, [i for s in slices for i in s]) == {"sent"}
    finally:
        await engine.dispose()


async def test_two_pipelined_dispatchers_send_each_row_once(database_url: str) -> None:
    n = 12 * SLICE + 3
    await seed(database_url, n, NOW)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)
    sent: Counter[int] = Counter()

    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        await asyncio.sleep(0.001)  # let the other dispatcher in
        sent.update(job.chat_id for job in jobs)
        return [Sent(job.outbox_id) for job in jobs]

    async def worker(name: str) -> int:
        total = 0
        for _ in range(50):
            stats = await dispatch_once(
                sessions, now=NOW + timedelta(seconds=1), protocol=default_protocol(), worker=name,
                deliver=deliver, limit=3 * SLICE,
            )  # fmt: skip
            total += stats.sent
            if not stats.claimed:
                break
        return total

    try:
        shares = await asyncio.gather(worker("a"), worker("b"))
        assert sum(shares) == n and len(sent) == n and max(sent.values()) == 1
        async with sessions() as session:
            rows = (await session.exec(select(Outbox.status).where(Outbox.kind == "dose_reminder"))).all()
        assert Counter(rows) == {"sent": n}
    finally:
        await engine.dispose()
