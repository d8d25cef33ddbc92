"""A dispatcher's claim on its batch, kept while the batch is sent (issue 17: slices of 50, not 10).

Another process's recovery takes back rows whose claim is older than the lease (schedules/tick.py
CLAIM_LEASE, 2 minutes), so a batch renews its claim every RENEW_EVERY of the dispatcher's clock: between
slices, before each request the sender makes (`heartbeat`, called by bot/sending: a slice whose sends are
held up one after another, e.g. by 429s, keeps its rows) and, while a slice is out, every WATCH_SECONDS of
real time (a request held inside the rate limiter). Rows found taken over meanwhile are left to their new
owner: the dispatcher sends none of them in a later slice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.engine import Sessions
from storage.queries import dispatch as dispatch_q

RENEW_EVERY = timedelta(seconds=30)  # well inside the claim lease (schedules/tick.py CLAIM_LEASE, 2 minutes)
WATCH_SECONDS = 10.0  # while a slice is out: how often (real time) the clock is looked at


@dataclass(eq=False)
class Lease:
    sessions: Sessions
    worker: str
    ids: Sequence[int]  # the batch: renewing a row already recorded changes nothing (no longer claimed)
    renewed: datetime
    clock: Callable[[], datetime] | None = None  # None: time stands still, nothing to renew
    held: set[int] | None = None  # after a renewal: the rows still ours
    recording: asyncio.Future[None] | None = None  # the slice being recorded: renewed after it, not alongside
    renewals: int = 0
    _busy: asyncio.Lock = field(default_factory=asyncio.Lock)

    def due(self) -> bool:
        return self.clock is not None and self.clock() - self.renewed >= RENEW_EVERY

    async def keep(self) -> None:
        """Renew the claim if RENEW_EVERY has passed; one renewal at a time (the others go on)."""
        if not self.due() or self._busy.locked():
            return
        async with self._busy:
            if self.recording is not None:  # one transaction on these rows at a time (no lock-order deadlock)
                await asyncio.wait([self.recording])
            assert self.clock is not None
            at = self.clock()
            async with self.sessions() as session:
                self.held = await dispatch_q.renew(session, ids=self.ids, worker=self.worker, at=at)
                await session.commit()
            self.renewed, self.renewals = at, self.renewals + 1

    @contextlib.asynccontextmanager
    async def out(self) -> AsyncIterator[None]:
        """While a slice is out: the sender's heartbeat renews this lease, and so does a watch by real time."""
        token = CURRENT.set(self)
        watch = asyncio.ensure_future(self._watch()) if self.clock is not None else None
        try:
            yield
        finally:
            CURRENT.reset(token)
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            await self.keep()


CURRENT: ContextVar[Lease | None] = ContextVar("b12bot_lease", default=None)


async def heartbeat() -> None:
    """Called by the sender before each request: renews the dispatcher's claim when it is time."""
    lease = CURRENT.get()
    if lease is not None and lease.due():
        await lease.keep()
