"""The delivery half of the reliability battery (issue 7), in process on the Bot API stand-in.

Each test injects a fault and is run again with the fault switched off: the fault's counter (kept by the
stand-in or by the test harness) must show it fired when on and stayed at 0 when off. The kill -9 rows
run real processes: tests/test_battery_kill.py. Full sizes: bench/faults.py, bench/killnine.py,
bench/replay.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.delivery import make_deliver
from bot.sandbox.harness import Sandbox
from schedules.dispatch import dispatch_once, recover
from schedules.jobs import Job, Outcome
from storage.models import Outbox
from tests.procs import CHAT0, seed

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)  # bot/ticks.py CLAIM_LEASE


async def reminder_rows(sb: Sandbox) -> list[Outbox]:
    async with sb.services.sessions() as session:
        query = select(Outbox).where(Outbox.kind == "dose_reminder").order_by(col(Outbox.id))
        return list((await session.exec(query)).all())


def per_chat(sb: Sandbox) -> Counter[int]:
    return Counter(chat for chat, _ in sb.api.messages)


@pytest.mark.parametrize("held_up", [True, False], ids=["fault-on", "fault-off"])
async def test_a_batch_held_up_past_its_lease_keeps_its_claim_and_honours_retry_after(
    database_url: str, held_up: bool
) -> None:
    """A slow batch (each slice held up 50 s, e.g. by 429s) outlives the 2-minute lease: another worker's
    recovery must not take its rows (that would send them twice), and a 429 answered late in the batch
    holds that chat back for retry_after from when it was answered, not from when the batch was claimed."""
    n = 40
    await seed(database_url, n, NOW)
    async with Sandbox(database_url=database_url, start=NOW + timedelta(seconds=1)) as sb:
        for i in range(n):
            sb.api.add_private_chat({"id": CHAT0 + i, "first_name": f"P{i}"})
        s = sb.services
        real = make_deliver(sb.app.bot, s.protocol)
        held = Counter[str]()
        last_chat = CHAT0 + n - 1

        async def slow(jobs: Sequence[Job]) -> Sequence[Outcome]:
            outcomes: list[Outcome] = []
            for start in range(0, len(jobs), 10):  # in slices, as bot/guard.py sends them
                part = jobs[start : start + 10]
                if held_up:
                    sb.clock.advance(timedelta(seconds=50))  # this slice waited 50 s before it went out
                    held["seconds"] += 50
                    # meanwhile another process ticks: it recovers expired claims and sends what it claims
                    await recover(s.sessions, now=sb.clock(), lease=LEASE)
                    await dispatch_once(s.sessions, now=sb.clock(), protocol=s.protocol, worker="other", deliver=real)
                if any(job.chat_id == last_chat for job in part):
                    sb.api.fail_next(
                        "sendMessage", status=429, description="Too Many Requests: retry after 5", retry_after=5
                    )
                outcomes.extend(await real(part))
            return outcomes

        sb.api.calls.clear()
        stats = await dispatch_once(
            s.sessions, now=sb.clock(), protocol=s.protocol, worker="slow", deliver=slow, clock=sb.clock
        )
        assert stats.claimed == n
        await sb.run_for(timedelta(minutes=1))  # the 429'd reminders go out again later
        rows = await reminder_rows(sb)
        assert max(per_chat(sb).values()) == 1  # nothing sent twice
        assert len(per_chat(sb)) == n  # nothing lost
        assert {r.status for r in rows} == {"sent"}
        assert not any(r.uncertain for r in rows)
        assert sb.api.window_violations == []  # no request to a chat inside the retry_after it was given
        assert sb.api.fired["429"] == 1
        assert (held["seconds"] > 0) == held_up  # the fault (the hold-up) fired only when on
