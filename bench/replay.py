"""Each of N updates delivered 1-3 times, shuffled, in batches of 1-50, through the durable inbox (issue 7).

Half the updates are Taken presses on a dose reminder, half /help, two per seeded patient. Pass: every
effect exactly once (each dose taken once, each reminder edited once, each press answered once, one
answer to each /help, every update stored and handled once). The scenario is bot/sandbox/battery/inbox.py:replay.

    .venv/bin/python bench/replay.py [--updates 10000] [--database sqlite|postgres|both] [--no-replays]
"""

from __future__ import annotations

import argparse
import asyncio
import random
from typing import Any

from common import databases, fresh_database, load, machine, report

from bot.sandbox import battery


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--updates", type=int, default=10_000)
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--no-replays", action="store_true", help="each update once (the fault switched off)")
    p.add_argument("--seed", type=int, default=3)
    args = p.parse_args()
    info = await machine()
    rows: list[dict[str, Any]] = []
    patients = args.updates // 2
    for kind in databases(args.database):
        async with fresh_database(kind) as url:
            got = await battery.replay(
                url, patients=patients, replays=not args.no_replays, rng=random.Random(args.seed)
            )
        got["exactly_once"] = (
            got["updates"] == got["new"] == got["handled"] == got["inbox"][0] == got["inbox"][1]
            and got["inbox"][2] == 0
            and got["taken"] == patients == got["answered_presses"]
            and got["edits"] == [1]
            and got["callback_answers"] == [1]
            and got["messages_per_chat"] == [2]
        )
        got["per_s"] = round(got["updates"] / got["seconds"], 1)
        rows.append({"database": kind, **got, "load": load()})
        print(rows[-1], flush=True)
    report("replay", info, rows, passed=all(r["exactly_once"] for r in rows))


if __name__ == "__main__":
    asyncio.run(main())
