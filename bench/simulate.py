"""The simulator's wall time, beside a bare event loop doing the same count of sends and updates.

Goals (issue 17): 20 patients x 2 weeks >= 10x faster than 23.3 s; 1,000 x 24 weeks <= 15 min. By default
two runs, 20 x 2 and 5 x 12; `--full` adds 1,000 x 24 (hours before issue 17: run it once, when there is
time). Each run is followed by its baseline: a bare python-telegram-bot Application on the same stand-in,
no database, sending as many messages as the run sent and handling as many updates as the patients made
(each a button press that is answered and edits its message); `vs_bare` is the baseline's time over
the run's. `--profile` prints pyinstrument's view of the first run (pip install pyinstrument).

    .venv/bin/python bench/simulate.py [--runs 20x2,5x12] [--database sqlite|postgres|both] [--quick] [--full]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from common import databases, fresh_database, load, machine, peak_rss_mb, report
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.app import SANDBOX_TOKEN
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import UpdateFactory, VirtualUser
from bot.simulate.clinic import START, Clinic, Config
from bot.simulate.profiles import PROFILES
from bot.simulate.report import summary

TARGET = (1000, 24)
GOAL_S = 15 * 60.0
BEFORE_20X2_S = 23.3  # issue 17's figure for 20 x 2 before it
USER = VirtualUser(700_001, "Bare")


async def bare_loop(sends: int, updates: int) -> tuple[float, float]:
    """`sends` messages with a keyboard, and `updates` presses each answered and edited, through PTB on the
    stand-in with no database: what the simulator's traffic costs by itself. Wall and CPU seconds."""
    api = BotApiStandIn(keep=False)  # its calls counted, not kept (a --full run makes ~1.2 million)
    api.add_private_chat({"id": USER.id, "first_name": USER.first_name})
    app = Application.builder().token(SANDBOX_TOKEN).request(api).get_updates_request(api).updater(None).build()

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Saved")
        await query.edit_message_text(f"Taken ✓ ({query.id})")  # a new text each time: the message may be pressed again

    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()
    factory = UpdateFactory(api)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Taken", callback_data="d1:1:t")]])
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(max(sends, updates)):
        if i < sends or api.last_to(USER.id) is None:  # (last_to: not a copy of the ever longer chat)
            await app.bot.send_message(USER.id, "Time for your vitamin B12", reply_markup=keyboard)
        if i < updates:
            last = api.last_to(USER.id)
            assert last is not None
            press = factory.press(USER, last, "d1:1:t")
            await app.process_update(Update.de_json(press, app.bot))
        api.take_calls()  # not kept: handed on to nobody
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    await app.shutdown()
    return seconds, cpu


async def one(kind: str, patients: int, weeks: int, profile: bool) -> dict[str, Any]:
    async with fresh_database(kind) as url:
        profiler: Any = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled")
            profiler.start()
        began, cpu = time.perf_counter(), time.process_time()  # CPU: every thread of the process (aiosqlite's too)
        async with Sandbox(database_url=url, start=START, keep_calls=False) as sb:
            clinic = Clinic(sb, Config(patients, weeks, 7, PROFILES, url), None)
            await clinic.run(None)
            result = await summary(clinic, wall_seconds=0)
            updates, ticks = sb.users.made, sb.ticks
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    load_run = load()
    bare, bare_cpu = await bare_loop(result["messages_sent"], updates)
    return {"database": kind, "run": f"{patients}x{weeks}", "seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
            "ticks": ticks, "messages_sent": result["messages_sent"], "updates": updates, "bare_s": round(bare, 2),
            "bare_cpu_s": round(bare_cpu, 2), "vs_bare": round(bare / seconds, 3),
            "vs_bare_cpu": round(bare_cpu / cpu, 3),
            "s_per_patient_week": round(seconds / (patients * weeks), 4),
            "cpu_s_per_patient_week": round(cpu / (patients * weeks), 4),
            "peak_rss_mb_so_far": round(peak_rss_mb()), "load": load_run}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", default="20x2,5x12", help="patients x weeks, comma-separated")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    p.add_argument("--quick", action="store_true", help="runs 20x2 only")
    p.add_argument("--full", action="store_true", help="also run 1000x24 itself")
    p.add_argument("--profile", action="store_true", help="pyinstrument the first run")
    args = p.parse_args()
    specs = "20x2" if args.quick else args.runs
    runs = [tuple(int(x) for x in spec.split("x")) for spec in specs.split(",")]
    if args.full:
        runs.append(TARGET)
    info = await machine()
    rows = []
    for kind in databases(args.database):
        for i, (patients, weeks) in enumerate(runs):
            rows.append(await one(kind, patients, weeks, args.profile and i == 0))
    for row in rows:
        if row["run"] == "20x2":
            row["vs_before_23.3s"] = round(BEFORE_20X2_S / row["seconds"], 1)
            row["cpu_vs_before_23.3s"] = round(BEFORE_20X2_S / row["cpu_s"], 1)
        if row["run"] == "1000x24":
            row["goal_met"] = row["seconds"] <= GOAL_S
        if row["run"] != "1000x24":  # what 1,000 x 24 would take at this run's CPU seconds a patient-week
            row["1000x24_at_this_rate_s"] = round(row["cpu_s_per_patient_week"] * TARGET[0] * TARGET[1])
    report("simulate", info, rows, goal=f"20x2 >= 10x faster than {BEFORE_20X2_S} s; 1000x24 <= {GOAL_S:g} s")


if __name__ == "__main__":
    asyncio.run(main())
