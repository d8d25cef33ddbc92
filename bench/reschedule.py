"""Random changes of time zone and reminder time: the invariants of tests/test_reschedule_properties.py on
many more scenarios (the pure rule), and the cost of one `plan_change`.

    .venv/bin/python bench/reschedule.py [--scenarios 5000] [--seed 7]

Prints the scenarios and changes run, how many changes needed a transition dose (and how many could not
keep every gap within 8-36 hours with one), any invariant broken (expected 0), the time per change, and
one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time as clock
from collections import Counter
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bot.sandbox.reschedule_cases as props  # noqa: E402
import schedules.reschedule as reschedule  # noqa: E402
from schedules.reschedule import Setting  # noqa: E402


def scenario(rng: random.Random) -> props.Scenario:
    code = rng.choice(sorted(props.REGIMENS))
    latest = 11 if code == "oral-methyl" else 23

    def setting(before: Setting | None) -> Setting:
        what = rng.choice(("zone", "time", "both")) if before else "both"
        zone = ZoneInfo(rng.choice(props.ZONES)) if what != "time" or before is None else before.zone
        at = (
            time(rng.randint(0, latest), rng.choice((0, 15, 30, 45, 7)))
            if what != "zone" or before is None
            else before.at
        )
        return Setting(zone, at)

    first = setting(None)
    minutes = sorted(rng.randint(0, int(props.SPAN.total_seconds()) // 60) for _ in range(rng.randint(1, 5)))
    changes, current = [], first
    for minute in minutes:
        current = setting(current)
        changes.append((timedelta(minutes=minute), current))
    return props.Scenario(code, rng.choice(props.STARTS), first, tuple(changes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    timings: list[float] = []
    original = reschedule.plan_change

    def timed(*a: object, **k: object) -> reschedule.ChangePlan:
        began = clock.perf_counter()
        plan = original(*a, **k)  # type: ignore[arg-type]
        timings.append(clock.perf_counter() - began)
        counts["changes"] += 1
        counts["transition"] += plan.transition is not None
        counts["infeasible"] += not plan.feasible
        counts[f"infeasible:{a[0].code}"] += not plan.feasible  # type: ignore[attr-defined]
        return plan

    props.plan_change = timed  # type: ignore[assignment]
    broken: list[str] = []
    began = clock.perf_counter()
    for n in range(args.scenarios):
        sc = scenario(rng)
        counts[sc.code] += 1
        try:
            props.check(sc, *props.simulate(sc))
        except AssertionError as exc:
            broken.append(f"#{n} {sc}: {exc}")
    wall = clock.perf_counter() - began
    timings.sort()
    figures = {
        "scenarios": args.scenarios,
        "seed": args.seed,
        "changes": counts["changes"],
        "by_regimen": {code: counts[code] for code in sorted(props.REGIMENS)},
        "transition_doses": counts["transition"],
        "infeasible": counts["infeasible"],
        "infeasible_by_regimen": {code: counts[f"infeasible:{code}"] for code in sorted(props.REGIMENS)},
        "invariants_broken": len(broken),
        "plan_change_ms_median": round(1000 * timings[len(timings) // 2], 3),
        "plan_change_ms_p99": round(1000 * timings[int(len(timings) * 0.99)], 3),
        "wall_seconds": round(wall, 1),
    }
    for line in broken[:5]:
        print("BROKEN", line)
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    print(json.dumps(figures))
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
