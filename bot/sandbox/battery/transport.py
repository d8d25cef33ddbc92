"""The faults scenario: a share of sendMessage calls fail (every fault kind in turn), the rate limiter on."""

from __future__ import annotations

import time as clocks
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from bot.app import build_application, build_services
from bot.context import Services
from bot.sandbox.battery.rows import REMINDERS, query
from bot.sandbox.procs import seed as seed_reminders
from bot.sandbox.procs import standin_with_chats
from bot.settings import Settings
from bot.ticks import run_tick
from storage.models import Outbox
from storage.status import OutboxStatus


class RunningClock:
    """Real time, plus jumps: the rate limiter's sleeps pass as in production; idle waits are skipped."""

    def __init__(self, start: datetime) -> None:
        self.start, self.began, self.skipped = start, clocks.monotonic(), timedelta(0)

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=clocks.monotonic() - self.began) + self.skipped

    def jump_to(self, when: datetime) -> None:
        self.skipped += max(when - self(), timedelta(0))


async def pending_due(services: Services) -> datetime | None:
    async with services.sessions() as session:
        query = select(func.min(Outbox.due_at)).where(
            Outbox.status == OutboxStatus.PENDING, Outbox.kind == "dose_reminder"
        )
        due = (await session.exec(query)).one()
    return due if due is None or due.tzinfo else due.replace(tzinfo=UTC)


async def faults(url: str, *, n: int, rate: float, seed: int = 7) -> dict[str, Any]:
    """`n` reminders due now; a share `rate` of sendMessage calls fail (every kind in FAULT_KINDS in turn);
    AIORateLimiter on; ticks until every reminder is recorded sent, skipping idle waits. Returns counts."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await seed_reminders(url, n, start)
    clock = RunningClock(start + timedelta(seconds=1))
    services = build_services(Settings(database_url=url, b12bot_rate_limiter=True), clock=clock, worker="w")
    api = standin_with_chats(n, clock=clock)
    api.random_faults(rate, seed=seed)
    app = build_application(services, request=api)
    await app.initialize()
    began = clocks.monotonic()
    try:
        for _ in range(10_000):
            await run_tick(app, dispatch_limit=100)
            due = await pending_due(services)
            if due is None:
                break
            clock.jump_to(due)  # nothing to do until the earliest retry: skip the wait
        rows = await query(url, f"SELECT chat_id, status, uncertain {REMINDERS}")
    finally:
        await app.shutdown()
        await services.engine.dispose()
    per_chat = Counter(chat for chat, _ in api.messages)
    twice = {chat for chat, k in per_chat.items() if k > 1}
    uncertain = {row[0] for row in rows if row[2]}
    return {
        "reminders": n,
        "delivered": len(per_chat),
        "recorded_sent": sum(1 for row in rows if row[1] == "sent"),
        "duplicates": sum(per_chat[c] - 1 for c in twice),
        "duplicates_not_uncertain": len(twice - uncertain),
        "uncertain": len(uncertain),
        "window_violations": len(api.window_violations),
        "requests": api.count("sendMessage"),
        "fired": dict(api.fired),
        "seconds": round(clocks.monotonic() - began, 1),
        "skipped_seconds": round(clock.skipped.total_seconds()),
    }
