"""kill -9 at random moments during a reminder fan-out by real bot processes, then restart (issue 7).

Each trial seeds a fresh database with N reminders due now, starts `python -m bot.cli run` against the
Bot API stand-in over HTTP, kills it with SIGKILL at K random points of the fan-out (a random count of
sends seen by the stand-in, plus 0-20 ms), restarting it each time, and waits until every reminder is
recorded sent. Pass: 0 lost; every duplicate is a chat whose send was in flight at a kill and whose row
is recorded uncertain (the scenario is bot/sandbox/battery/processes.py:killnine, run small by the test suite).

    .venv/bin/python bench/killnine.py [--trials 5] [--kills 4] [--rows 10000] [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from pathlib import Path
from typing import Any

from common import databases, fresh_database, load, machine, report

from bot.sandbox import battery


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=5, help="fresh fan-outs per database")
    p.add_argument("--kills", type=int, default=4, help="kill -9 points per fan-out")
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    info = await machine()
    rows: list[dict[str, Any]] = []
    rng = random.Random(args.seed)
    for kind in databases(args.database):
        for trial in range(args.trials):
            async with fresh_database(kind) as url:
                with tempfile.TemporaryDirectory(prefix="b12kill-") as logs:
                    got = await battery.killnine(url, n=args.rows, kills=args.kills, rng=rng, logs=Path(logs))
            rows.append({"database": kind, "trial": trial + 1, **got, "load": load()})
            print(rows[-1], flush=True)
    totals = {
        key: sum(int(r[key]) for r in rows)
        for key in ("kills", "lost", "duplicates", "duplicates_not_in_flight", "duplicates_not_uncertain", "uncertain")
    }
    passed = totals["lost"] == totals["duplicates_not_in_flight"] == totals["duplicates_not_uncertain"] == 0
    report("killnine", info, rows, totals=totals, passed=passed)


if __name__ == "__main__":
    asyncio.run(main())
