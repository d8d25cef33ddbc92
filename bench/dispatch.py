"""Dispatch throughput: N due reminders claimed, sent through the real Bot on the stand-in, and recorded.

Baseline: a bare python-telegram-bot send loop (the same text and keyboard, checked against what b12bot
sent; the same 500 in flight) on the same stand-in, in the same run. Rate limiter off. Until 2026-12-06 the
loop sent a shorter text with 3 buttons instead of the reminder's 5 (about a quarter less PTB work a
message): printed as "bare, 3 buttons (old)" to compare with earlier figures; the ratios are to the first.
Floors (issue 17): >= 0.60 of the baseline on SQLite, >= 0.45 on PostgreSQL. `cpu_ms_per_msg`: this
process's CPU time (process_time: the stand-in's share too, in both rows) over the messages; less
sensitive to the machine's load than the rates.

    .venv/bin/python bench/dispatch.py [--rows 20000] [--database sqlite|postgres|both] [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import CHAT0, add_chats, databases, fresh_database, load, machine, report, seed
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import SANDBOX_TOKEN
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.harness import Sandbox

# The reminder b12bot sends to the seeded patients (oral-high, English), text and keyboard as they arrive:
# `dispatch` checks that they are the same, so the baseline sends what b12bot sends (issue 17).
TEXT = "Time for your vitamin B12: B12 1000 mcg by mouth.\n\nHelp: /help · Stop messages: /stop"
ROWS = (
    (("Taken", "d1:{i}:t"), ("Snooze 30 min", "d1:{i}:s"), ("Skip", "d1:{i}:k")),
    (("Taken earlier…", "d1:{i}:e"), ("⚠️ Report a symptom", "r1:o")),
)
OLD_TEXT = "Time for your vitamin B12: 1000 mcg by mouth.\n\nThis bot reminds you; it does not replace your doctor."
OLD_ROWS = ((("Taken", "d1:{i}:t"), ("Snooze 30 min", "d1:{i}:s"), ("Skip", "d1:{i}:k")),)  # before 2026-12-06


FLOORS = {"sqlite": 0.60, "postgres": 0.45}


def keyboard(rows: Any, i: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data.format(i=i)) for label, data in row] for row in rows]
    )


async def baseline(n: int, in_flight: int = 500, *, text: str = TEXT, rows: Any = ROWS) -> tuple[float, float]:
    api = BotApiStandIn()
    add_chats(api, n)
    bot = Bot(SANDBOX_TOKEN, request=api, get_updates_request=api)
    await bot.initialize()
    began, cpu = time.perf_counter(), time.process_time()
    for start in range(0, n, in_flight):
        chunk = range(start, min(n, start + in_flight))
        await asyncio.gather(*(bot.send_message(CHAT0 + i, text, reply_markup=keyboard(rows, i)) for i in chunk))
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    await bot.shutdown()
    assert api.count("sendMessage") == n
    return seconds, cpu


def same_as_baseline(message: Any) -> bool:
    """b12bot's reminder has the baseline's text and the same buttons (labels; callback data but the dose id)."""
    labels = [
        [(b["text"], b["callback_data"].split(":")[-1]) for b in row] for row in message.reply_markup["inline_keyboard"]
    ]
    return message.text == TEXT and labels == [[(label, data.split(":")[-1]) for label, data in row] for row in ROWS]


async def dispatch(kind: str, n: int, profile: bool) -> dict[str, object]:
    now = datetime.now(UTC).replace(microsecond=0)
    async with fresh_database(kind) as url:
        t0 = time.perf_counter()
        await seed(url, n, now, due=n)
        seeded = time.perf_counter() - t0
        async with Sandbox(database_url=url, start=now + timedelta(seconds=1)) as sb:
            add_chats(sb.api, n)
            profiler = None
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(async_mode="enabled")
                profiler.start()
            began, cpu = time.perf_counter(), time.process_time()
            sent = 0
            while sent < n:
                result = await sb.tick()
                if not result.dispatch.sent:
                    break
                sent += result.dispatch.sent
            seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
            if profiler is not None:
                profiler.stop()
                print(profiler.output_text(unicode=False, color=False, show_all=False))
            assert sb.api.count("sendMessage") == n == sent, (sb.api.count("sendMessage"), n, sent)
            message = next(iter(sb.api.messages.values()))
            assert same_as_baseline(message), f"the baseline no longer sends what b12bot sends: {message}"
    return {"database": kind, "rows": n, "seed_s": round(seeded, 2), "seconds": round(seconds, 2),
            "per_s": round(n / seconds), "cpu_ms_per_msg": round(1000 * cpu / n, 3), "load": load()}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--quick", action="store_true", help="2,000 rows")
    p.add_argument("--profile", action="store_true", help="pyinstrument the dispatch (pip install pyinstrument)")
    args = p.parse_args()
    n = 2_000 if args.quick else args.rows
    info = await machine()
    old_s, old_cpu = await baseline(n, text=OLD_TEXT, rows=OLD_ROWS)
    base_s, base_cpu = await baseline(n)
    base = n / base_s
    rows: list[dict[str, object]] = [
        {"database": name, "rows": n, "seed_s": 0.0, "seconds": round(seconds, 2), "per_s": round(n / seconds),
         "cpu_ms_per_msg": round(1000 * cpu / n, 3), "load": load()}
        for name, seconds, cpu in (("bare PTB loop", base_s, base_cpu), ("bare, 3 buttons (old)", old_s, old_cpu))
    ]  # fmt: skip
    for kind in databases(args.database):
        rows.append(await dispatch(kind, n, args.profile))
    for row in rows:
        row["vs_baseline"] = round(float(row["per_s"]) / base, 2)  # type: ignore[arg-type]
        row["cpu_ratio"] = round(1000 * base_cpu / n / float(row["cpu_ms_per_msg"]), 2)  # type: ignore[arg-type]
        floor = FLOORS.get(str(row["database"]))
        row["floor_met"] = floor is None or float(row["vs_baseline"]) >= floor  # type: ignore[arg-type]
    report("dispatch", info, rows, goal="vs_baseline >= 0.60 (SQLite), >= 0.45 (PostgreSQL)")


if __name__ == "__main__":
    asyncio.run(main())
