"""100,000 fuzzed updates through the real path (strategies: bot/sandbox/fuzzing.py; checks: fuzz_checks.py).

Pass: 0 crashes, 0 unhandled exceptions (nothing logged at ERROR, no inbox row with an error), 0 stand-in
refusals, 0 writes from invalid input (no table but the inbox and the audit trail changes; audit rows added
are all "refused"). Prints the figures and the kinds of updates sent.

    .venv/bin/python bench/fuzz.py [--updates 100000] [--seed 1] [--batch 100] [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections import Counter
from typing import Any

from common import databases, fresh_database, load, machine, report
from sqlalchemy import func, select
from sqlmodel import col

from bot.sandbox.fuzz_checks import fuzz_world
from bot.sandbox.fuzzing import draw_updates
from bot.sandbox.harness import Sandbox
from bot.sandbox.security_world import NOW
from storage.models import AuditEvent


def kind_of(spec: dict[str, Any]) -> str:
    kind, body = next(iter(spec.items()))
    if kind == "callback_query":
        return "press (enrolled person)" if body["user"] < 4000 else "press (stranger)"
    if kind in ("message", "edited_message"):
        return f"{kind} ({'command' if body['text'].startswith('/') else 'text'}, {body['where']})"
    return "block/unblock"


async def run(kind: str, n: int, seed: int, batch: int) -> tuple[dict[str, Any], Counter[str], list[str]]:
    began = time.perf_counter()
    specs = draw_updates(n, seed)
    drawn_s = time.perf_counter() - began
    async with fresh_database(kind) as url, Sandbox(database_url=url, start=NOW) as sb:
        fuzz = await fuzz_world(sb)
        started = time.perf_counter()
        await fuzz.send(specs, batch=batch)
        wall = time.perf_counter() - started
        bad_inbox = await fuzz.inbox_errors()
        async with sb.services.sessions() as session:
            outcomes = dict(
                (await session.execute(select(col(AuditEvent.outcome), func.count()).group_by(col(AuditEvent.outcome))))
                .tuples()
                .all()
            )
    row = {
        "database": kind,
        "updates": fuzz.sent,
        "drawn": len(specs),
        "problem_batches": len(fuzz.problems),
        "inbox_errors": len(bad_inbox),
        "api_refusals": sb.api.refusals,
        "audit_outcomes": outcomes,
        "per_second": round(fuzz.sent / wall, 1),
        "draw_s": round(drawn_s, 1),
        "wall_s": round(wall, 1),
        "load": load(),
    }
    return row, Counter(kind_of(s) for s in specs), fuzz.problems


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=100, help="updates delivered between two checks")
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgres", "both"))
    args = parser.parse_args()
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    info = await machine()
    rows, kinds, problems = [], Counter[str](), []
    for kind in databases(args.database):
        row, seen, found = await run(kind, args.updates, args.seed, args.batch)
        rows.append(row)
        kinds.update(seen)
        problems.extend(found)
    report("fuzz", info, rows, kinds=dict(kinds.most_common()))
    for problem in problems:
        print("PROBLEM", problem[:2000])
    assert not problems


if __name__ == "__main__":
    asyncio.run(main())
