"""The common design, for comparison: one JobQueue (APScheduler) job per patient reminder, loaded at start-up.

For the same enrolled patients (default 100,000): peak RSS and start-up time (imports, load the patients,
schedule a daily job each, start the Application), against b12bot's own start-up measured the same way in
the same run (bench/scale.py's child). Each in a fresh subprocess. Goal: b12bot >= 5x better on both.

    .venv/bin/python bench/baseline_jobqueue.py [--patients 100000] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from asyncio.subprocess import PIPE
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import databases, fresh_database, load, machine, peak_rss_mb, report, rss_mb, seed
from scale import measure


async def child(url: str) -> dict[str, Any]:
    began = time.perf_counter()
    from datetime import time as clock_time
    from zoneinfo import ZoneInfo

    from sqlalchemy import text
    from telegram.ext import ApplicationBuilder, ContextTypes

    from bot.app import SANDBOX_TOKEN
    from bot.sandbox.api import BotApiStandIn
    from storage.engine import make_engine

    async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        assert job is not None and job.chat_id is not None
        await context.bot.send_message(job.chat_id, "Time for your vitamin B12.")

    imported = time.perf_counter() - began
    t0 = time.perf_counter()
    engine = make_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT id, chat_id, timezone, reminder_time FROM patient WHERE status = 'active'"))).all()  # fmt: skip
    await engine.dispose()
    loaded = time.perf_counter() - t0
    api = BotApiStandIn()
    app = ApplicationBuilder().token(SANDBOX_TOKEN).request(api).get_updates_request(api).updater(None).build()
    assert app.job_queue is not None
    zones: dict[str, ZoneInfo] = {}
    for pid, chat_id, zone, at in rows:
        hour, minute = (int(x) for x in at.split(":"))
        tz = zones.setdefault(zone, ZoneInfo(zone))
        app.job_queue.run_daily(remind, clock_time(hour, minute, tzinfo=tz), chat_id=chat_id, name=f"dose:{pid}")
    await app.initialize()
    await app.start()
    ready = time.perf_counter() - t0
    jobs = len(app.job_queue.jobs())
    await app.stop()
    await app.shutdown()
    return {"patients": len(rows), "jobs": jobs, "import_s": round(imported, 2), "load_s": round(loaded, 2),
            "ready_s": round(ready, 2), "ready_from_start_s": round(imported + ready, 2),
            "rss_mb": round(rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1)}  # fmt: skip


async def jobqueue(kind: str, n: int) -> dict[str, Any]:
    async with fresh_database(kind) as url:
        await seed(url, n, datetime.now(UTC).replace(microsecond=0), due=0)
        cmd = [sys.executable, __file__, "--child", url]
        proc = await asyncio.create_subprocess_exec(*cmd, stdout=PIPE, stderr=PIPE, cwd=Path(__file__).parent)
        out, err = await proc.communicate()
        if proc.returncode:
            raise SystemExit(err.decode()[-3000:])
    return {"design": f"job per patient ({kind})", **json.loads(out.decode().strip().splitlines()[-1]),
            "load": load()}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--patients", type=int, default=100_000)
    p.add_argument("--due", type=int, default=1000, help="reminders due in b12bot's run (as bench/scale.py)")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    p.add_argument("--quick", action="store_true", help="10,000 patients, 200 due")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(await child(args.child)))
        return
    n, due = (10_000, 200) if args.quick else (args.patients, args.due)
    info = await machine()
    rows: list[dict[str, Any]] = []
    for kind in databases(args.database):
        base = await jobqueue(kind, n)
        mine = await measure(kind, n, due)
        ours = {"design": f"b12bot ({kind})", "patients": n, "jobs": 1, "import_s": mine["import_s"], "load_s": 0.0,
                "ready_s": mine["ready_s"], "ready_from_start_s": mine["ready_from_start_s"],
                "rss_mb": mine["rss_imports_mb"], "peak_rss_mb": mine["peak_rss_mb"], "load": mine["load"]}  # fmt: skip
        ours["rss_x_better"] = round(base["peak_rss_mb"] / ours["peak_rss_mb"], 2)
        ours["startup_x_better"] = round(base["ready_from_start_s"] / ours["ready_from_start_s"], 2)
        ours["ready_x_better_after_imports"] = round(base["ready_s"] / max(ours["ready_s"], 1e-3), 1)
        ours["goal_met"] = ours["rss_x_better"] >= 5 and ours["startup_x_better"] >= 5
        rows += [base, ours]
    report("baseline_jobqueue", info, rows, goal="b12bot >= 5x better on peak RSS and on start-up (from process start)")


if __name__ == "__main__":
    asyncio.run(main())
