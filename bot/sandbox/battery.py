"""Scenarios of the reliability battery (issue 7), shared by tests/test_battery_delivery.py (small sizes)
and bench/killnine.py, bench/replay.py (full sizes). Each returns its figures as a dict.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import time as clocks
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, text
from sqlmodel import select

from bot.app import build_application, build_services
from bot.context import Services
from bot.inbox import drain, receive
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import CHAT0, bot_env, serve_standin, standin_with_chats, start_bot, terminate, until
from bot.sandbox.procs import seed as seed_reminders
from bot.sandbox.updates import VirtualUser
from bot.settings import Settings
from bot.ticks import run_tick
from storage.engine import make_engine
from storage.models import Outbox
from storage.status import OutboxStatus

REMINDERS = "FROM outbox WHERE kind = 'dose_reminder'"
AGE_CLAIMS = "UPDATE outbox SET claimed_at = claimed_at - interval '1 hour' WHERE status IN ('claimed', 'sending')"


def _sends_reach(api: BotApiStandIn, proc: subprocess.Popen[bytes], goal: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        assert proc.poll() is None, f"the bot exited early with {proc.returncode}"
        return api.count("sendMessage") >= goal

    return check


async def query(url: str, sql: str) -> list[Any]:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql))
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def killnine(url: str, *, n: int, kills: int, rng: random.Random, logs: Path) -> dict[str, Any]:
    """Real bot processes fan out `n` reminders; each is killed with SIGKILL when the stand-in has seen a
    random number of sends (then a random 0-20 ms more), and restarted. On PostgreSQL the restarted
    process takes the dead one's claims back once their lease expired: the test ages them by an hour
    instead of waiting the 2 minutes. Returns counts; `unexplained` duplicates must be 0."""
    postgres = url.startswith("postgresql")
    await seed_reminders(url, n, datetime.now(UTC))
    api = standin_with_chats(n)
    server = await serve_standin(api)
    env = bot_env(url, server.port)
    targets = sorted(rng.sample(range(1, n), kills))
    in_flight: set[int] = set()  # chats whose send may have landed while its row was 'sending' at a kill
    uncertain_at_kill = killed = 0
    started = clocks.monotonic()
    proc = None
    try:
        for k, target in enumerate([*targets, None]):
            proc = start_bot(env, logs / f"run{k}.log")
            if target is None:
                break
            goal = max(target, api.count("sendMessage") + 1)
            await until(_sends_reach(api, proc, goal), within=60 + n * 0.05, every=0.005, what=f"{goal} sends")
            await asyncio.sleep(rng.uniform(0, 0.02))
            proc.kill()
            killed += proc.wait() == -9
            # in flight = marked 'sending' at the kill: a request the dead process had already written may
            # still reach the stand-in after this point, so "delivered before the kill" cannot be read here
            sending = {row[0] for row in await query(url, f"SELECT chat_id {REMINDERS} AND status = 'sending'")}
            uncertain_at_kill += len(sending)
            in_flight |= sending
            if postgres:  # the lease (2 minutes) runs out: as if the restart came that much later
                await query(url, AGE_CLAIMS)

        async def all_sent() -> bool:
            rows = await query(url, f"SELECT count(*) {REMINDERS} AND status = 'sent'")
            return int(rows[0][0]) == n

        await until(all_sent, within=60 + n * 0.05, every=0.25, what=f"all {n} reminders sent")
        seconds = clocks.monotonic() - started
        assert proc is not None
        exit_code, _ = await terminate(proc)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        await server.stop()
    per_chat = Counter(chat for chat, _ in api.messages)
    twice = {chat for chat, k in per_chat.items() if k > 1}
    rows = await query(url, f"SELECT chat_id, status, uncertain {REMINDERS}")
    uncertain = {row[0] for row in rows if row[2]}
    return {
        "reminders": n,
        "kills": killed,
        "lost": n - len(per_chat),
        "not_recorded_sent": sum(1 for row in rows if row[1] != "sent"),
        "duplicates": sum(per_chat[c] - 1 for c in twice),
        "duplicates_not_in_flight": len(twice - in_flight),
        "duplicates_not_uncertain": len(twice - uncertain),
        "in_flight_at_kills": len(in_flight),
        "uncertain": len(uncertain),
        "exit_code_last": exit_code,
        "seconds": round(seconds, 1),
    }


async def replay(url: str, *, patients: int, replays: bool, rng: random.Random) -> dict[str, Any]:
    """Two updates per patient (Taken on its reminder, /help), each delivered 1-3 times (once when
    `replays` is off), shuffled, in batches of 1-50, through the durable inbox. Returns the effects."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await seed_reminders(url, patients, start)
    async with Sandbox(database_url=url, start=start + timedelta(seconds=1)) as sb:
        users = [VirtualUser(CHAT0 + i, f"P{i}") for i in range(patients)]
        for user in users:
            sb.api.add_private_chat(user.as_json())
        await sb.tick()  # every reminder goes out
        reminders = {user.id: sb.api.last_to(user.id) for user in users}
        unique: list[dict[str, Any]] = []
        for user in users:
            reminder = reminders[user.id]
            assert reminder is not None
            unique += [sb.users.press_button(user, reminder, "Taken"), sb.users.text(user, "/help")]
        deliveries = [u for u in unique for _ in range(rng.randint(1, 3) if replays else 1)]
        rng.shuffle(deliveries)
        total = len(deliveries)
        began = clocks.monotonic()
        new = handled = 0
        while deliveries:
            cut = rng.randint(1, 50)
            part, deliveries = deliveries[:cut], deliveries[cut:]
            new += len(await receive(sb.app, part))  # stored before it would be confirmed to Telegram
            handled += await drain(sb.app)
        seconds = clocks.monotonic() - began
        taken = await query(url, "SELECT count(*) FROM dose_event WHERE status = 'taken'")
        inbox = await query(url, "SELECT count(*), count(processed_at), count(error) FROM inbox_update")
        answers = Counter(query_id for query_id, _, _ in sb.api.callback_answers)
        per_chat = {user.id: sb.api.sent_to(user.id) for user in users}
    return {
        "updates": len(unique),
        "deliveries": total,
        "replays_ignored": total - new,  # the fault counter: deliveries the inbox recognised as seen
        "new": new,
        "handled": handled,
        "taken": int(taken[0][0]),
        "edits": sorted({m.edits for m in reminders.values() if m is not None}),
        "callback_answers": sorted(set(answers.values())),
        "answered_presses": len(answers),
        "messages_per_chat": sorted({len(sent) for sent in per_chat.values()}),
        "inbox": list(inbox[0]),
        "seconds": round(seconds, 1),
    }


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
