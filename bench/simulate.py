"""The simulator's wall time: the goal is 1,000 patients x 24 weeks in <= 60 s.

That run is far beyond this design on a small machine (every press is several database round trips
through the real Application), so by default two scaled runs are measured, one long and one wide
(5 x 12 and 50 x 1), and 1,000 x 24 is extrapolated from the cost per patient-week of each
(enrolment is paid once per patient, so the wide run is dominated by it). `--full` runs 1,000 x 24.
`--profile` prints pyinstrument's view of the long run (pip install pyinstrument).

    .venv/bin/python bench/simulate.py [--runs 5x12,50x1] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from common import databases, fresh_database, load, machine, peak_rss_mb, report

from bot.simulate.clinic import Config
from bot.simulate.profiles import PROFILES
from bot.simulate.run import simulate

TARGET = (1000, 24)
GOAL_S = 60.0


async def one(kind: str, patients: int, weeks: int, profile: bool) -> dict[str, Any]:
    async with fresh_database(kind) as url:
        profiler: Any = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled")
            profiler.start()
        began = time.perf_counter()
        result = await simulate(Config(patients, weeks, 7, PROFILES, url))
        seconds = time.perf_counter() - began
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return {"database": kind, "run": f"{patients}x{weeks}", "seconds": round(seconds, 1),
            "s_per_patient_week": round(seconds / (patients * weeks), 4),
            "extrapolated_1000x24_s": round(seconds / (patients * weeks) * TARGET[0] * TARGET[1]),
            "messages_sent": result["messages_sent"], "peak_rss_mb_so_far": round(peak_rss_mb()),
            "load": load()}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", default="5x12,50x1", help="patients x weeks, comma-separated")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    p.add_argument("--quick", action="store_true", help="runs 5x2,20x1")
    p.add_argument("--full", action="store_true", help="also run 1000x24 itself")
    p.add_argument("--profile", action="store_true", help="pyinstrument the first run")
    args = p.parse_args()
    specs = "5x2,20x1" if args.quick else args.runs
    runs = [tuple(int(x) for x in spec.split("x")) for spec in specs.split(",")]
    if args.full:
        runs.append(TARGET)
    info = await machine()
    rows = []
    for kind in databases(args.database):
        for i, (patients, weeks) in enumerate(runs):
            rows.append(await one(kind, patients, weeks, args.profile and i == 0))
    for row in rows:
        row["goal_met"] = (row["seconds"] if row["run"] == "1000x24" else row["extrapolated_1000x24_s"]) <= GOAL_S
    report("simulate", info, rows, goal=f"1000x24 (measured or extrapolated) <= {GOAL_S:g} s")


if __name__ == "__main__":
    asyncio.run(main())
