"""Button presses through the real path (store the update, then the Application: ownership check, record,
edit the message, answer the query): throughput flat out, and p50/p99 latency at a fixed offered rate.

Goal: >= 1,000 presses/s; p99 <= 20 ms at 200/s. Each press is "Taken" on a different patient's reminder.

    .venv/bin/python bench/presses.py [--presses 2000] [--rate 200] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import CHAT0, add_chats, databases, fresh_database, load, machine, report, seed

from bot.inbox import deliver_updates
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(kind: str, presses: int, rate: float, in_flight: int, profile: bool) -> list[dict[str, Any]]:
    n = 2 * presses
    now = datetime.now(UTC).replace(microsecond=0)
    async with fresh_database(kind) as url:
        await seed(url, n, now, due=n)
        async with Sandbox(database_url=url, start=now + timedelta(seconds=1)) as sb:
            add_chats(sb.api, n)
            while (await sb.tick()).dispatch.sent:
                pass
            updates = []
            for i in range(n):
                message = sb.api.last_to(CHAT0 + i)
                assert message is not None
                user = VirtualUser(CHAT0 + i, f"P{i}")
                updates.append(sb.users.press(user, message, sb.users.button_data(message)[0]))  # Taken
            flat, paced = updates[:presses], updates[presses:]

            async def one(update: dict[str, Any]) -> None:
                await deliver_updates(sb.app, [update])

            profiler: Any = None
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(async_mode="enabled")
                profiler.start()
            began = time.perf_counter()
            for start in range(0, presses, in_flight):
                await asyncio.gather(*(one(u) for u in flat[start : start + in_flight]))
            flat_s = time.perf_counter() - began
            if profiler is not None:
                profiler.stop()
                print(profiler.output_text(unicode=False, color=False, show_all=False))
            flat_load = load()

            latencies: list[float] = []

            async def timed(update: dict[str, Any], due: float) -> None:
                await one(update)
                latencies.append(time.perf_counter() - due)

            tasks = []
            t0 = time.perf_counter() + 0.05
            for i, update in enumerate(paced):
                due = t0 + i / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                tasks.append(asyncio.create_task(timed(update, due)))
            await asyncio.gather(*tasks)
            paced_s = time.perf_counter() - t0
            edits = sb.api.count("editMessageText")
            answers = len(sb.api.callback_answers)
            assert edits >= n and answers == n, (edits, answers, n)
    ms = [x * 1000 for x in latencies]
    return [
        {"database": kind, "mode": f"flat out ({in_flight} in flight)", "presses": presses,
         "per_s": round(presses / flat_s), "p50_ms": None, "p99_ms": None, "load": flat_load},
        {"database": kind, "mode": f"offered {rate:g}/s", "presses": presses, "per_s": round(presses / paced_s),
         "p50_ms": round(statistics.median(ms), 1), "p99_ms": round(pct(ms, 0.99), 1), "load": load()},
    ]  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--presses", type=int, default=2000, help="presses per phase (flat out, then paced)")
    p.add_argument("--rate", type=float, default=200.0, help="offered presses per second in the paced phase")
    p.add_argument("--in-flight", type=int, default=50, help="concurrent presses in the flat-out phase")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--quick", action="store_true", help="300 presses per phase")
    p.add_argument("--profile", action="store_true", help="pyinstrument the flat-out phase (pip install pyinstrument)")
    args = p.parse_args()
    presses = 300 if args.quick else args.presses
    info = await machine()
    rows: list[dict[str, Any]] = []
    for kind in databases(args.database):
        rows += await run(kind, presses, args.rate, args.in_flight, args.profile)
    flat = [r for r in rows if r["p99_ms"] is None]
    paced = [r for r in rows if r["p99_ms"] is not None]
    for r in flat:
        r["goal_met"] = r["per_s"] >= 1000
    for r in paced:
        r["goal_met"] = r["p99_ms"] <= 20
    report("presses", info, rows, goal="flat out >= 1000/s; p99 <= 20 ms at 200/s offered")


if __name__ == "__main__":
    asyncio.run(main())
