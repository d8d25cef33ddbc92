"""Scale: 1,000 and 100,000 enrolled patients, the same number due: RSS, time until ready, planner time,
dispatch tick time (and the median of 3 idle ticks). Each size is measured in a fresh subprocess (so RSS
figures do not mix).

Ready = build the services, check the schema, build and initialise the Application, release old claims
(what `b12bot run` does before it serves); ready_from_start_s adds the imports made in child() (not those
bench/common made at the top), process_start_to_ready_s counts from the process's creation (the interpreter
and every import). Planner = one pass planning `--due` patients without a plan.
Tick = one production tick with `--due` reminders due. Goals at 100k: RSS <= 200 MB, ready <= 5 s;
tick time 100k / 1k <= 1.5.

    .venv/bin/python bench/scale.py [--sizes 1000,100000] [--due 1000] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from asyncio.subprocess import PIPE
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import (
    add_chats,
    databases,
    fresh_database,
    load,
    machine,
    peak_rss_mb,
    report,
    rss_mb,
    seed,
    since_process_start,
)


async def child(url: str, now: datetime, due: int) -> dict[str, Any]:
    began = time.perf_counter()
    from bot.app import build_application, build_services
    from bot.context import services_of
    from bot.sandbox.api import BotApiStandIn
    from bot.sandbox.harness import VirtualClock
    from bot.settings import Settings
    from bot.ticks import recover_after_restart, run_tick
    from schedules.planner import plan
    from storage.migrate import require_current

    imported = time.perf_counter() - began
    rss_imports = rss_mb()
    clock = VirtualClock(now + timedelta(seconds=1))
    settings = Settings(database_url=url, b12bot_rate_limiter=False, telegram_bot_token=None)
    t0 = time.perf_counter()
    services = build_services(settings, clock=clock, worker="bench")
    await require_current(services.engine)
    api = BotApiStandIn(clock=clock)
    app = build_application(services, request=api)
    await app.initialize()
    await recover_after_restart(app)
    ready = time.perf_counter() - t0
    ready_since_start = since_process_start()
    add_chats(api, due)
    s = services_of(app.bot_data)
    t0 = time.perf_counter()
    planned = await plan(s.sessions, now=clock(), protocol=s.protocol)
    planner = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = await run_tick(app)
    tick = time.perf_counter() - t0
    assert result.dispatch.sent == due, result
    idle = []
    for _ in range(3):  # nothing due: the tick's fixed cost, where whole-table scans show
        t0 = time.perf_counter()
        await run_tick(app)
        idle.append(time.perf_counter() - t0)
    await app.shutdown()
    await services.engine.dispose()
    return {"import_s": round(imported, 2), "ready_s": round(ready, 3),
            "ready_from_start_s": round(imported + ready, 2), "process_start_to_ready_s": round(ready_since_start, 2),
            "planner_s": round(planner, 3),
            "planned_doses": planned, "tick_s": round(tick, 3), "idle_tick_s": round(sorted(idle)[1], 3),
            "rss_imports_mb": round(rss_imports, 1),
            "rss_mb": round(rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1)}  # fmt: skip


async def measure(kind: str, patients: int, due: int) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    async with fresh_database(kind) as url:
        t0 = time.perf_counter()
        await seed(url, patients, now, due=due, unplanned=due)
        seeded = time.perf_counter() - t0
        cmd = [sys.executable, __file__, "--child", url, "--now", now.isoformat(), "--due", str(due)]
        proc = await asyncio.create_subprocess_exec(*cmd, stdout=PIPE, stderr=PIPE, cwd=Path(__file__).parent)
        out, err = await proc.communicate()
        if proc.returncode:
            raise SystemExit(err.decode()[-3000:])
        figures = json.loads(out.decode().strip().splitlines()[-1])
    return {"database": kind, "patients": patients, "due": due, "seed_s": round(seeded, 1), **figures,
            "load": load()}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,100000", help="enrolled patients, comma-separated (smallest first)")
    p.add_argument("--due", type=int, default=1000, help="reminders due (and patients to plan) at every size")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--quick", action="store_true", help="sizes 1000,10000 with 200 due")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--now", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(await child(args.child, datetime.fromisoformat(args.now), args.due)))
        return
    sizes = [1000, 10_000] if args.quick else [int(x) for x in args.sizes.split(",")]
    due = 200 if args.quick else args.due
    info = await machine()
    rows = [await measure(kind, n, due) for kind in databases(args.database) for n in sizes]
    for kind in databases(args.database):
        mine = [r for r in rows if r["database"] == kind]
        small, large = mine[0], mine[-1]
        large["tick_vs_smallest"] = round(large["tick_s"] / small["tick_s"], 2)
        large["idle_tick_vs_smallest"] = round(large["idle_tick_s"] / small["idle_tick_s"], 2)
        large["planner_vs_smallest"] = round(large["planner_s"] / small["planner_s"], 2)
        large["goal_met"] = (large["peak_rss_mb"] <= 200 and large["ready_from_start_s"] <= 5
                             and large["tick_vs_smallest"] <= 1.5)  # fmt: skip
    report(
        "scale", info, rows, goal="largest size: peak_rss_mb <= 200, ready_from_start_s <= 5, tick_vs_smallest <= 1.5"
    )


if __name__ == "__main__":
    asyncio.run(main())
