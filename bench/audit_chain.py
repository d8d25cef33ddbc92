"""The cost of the audit hash chain, isolated: transactions that each write one row and one audit row, with
the chain on and off (the storage.audit listener removed), interleaved in rounds so machine load hits both
alike; sequential and with N in flight. Then `audit verify` over all rows written. `--key`: the chain is an
HMAC under a B12BOT_AUDIT_KEY (and verified with it).

    .venv/bin/python bench/audit_chain.py [--transactions 400] [--in-flight 20] [--rounds 3] [--database both] [--key]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from common import databases, fresh_database, load, machine, report
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from storage import audit, migrate
from storage.engine import Sessions, make_engine, make_sessions
from storage.models import Team


def chain(on: bool) -> None:
    listening = event.contains(Session, "before_flush", audit._chain)
    if on and not listening:
        event.listen(Session, "before_flush", audit._chain)
    if not on and listening:
        event.remove(Session, "before_flush", audit._chain)


async def one(sessions: Sessions, n: int) -> None:
    async with sessions() as session:  # like a press: a change plus its audit row, one commit
        team = await session.get(Team, 1)
        assert team is not None
        team.digest_time = f"08:{n % 60:02d}"
        audit.record(session, at=datetime.now(UTC), actor="bench", action="bench.write", subject=f"team:{n}")
        await session.commit()


async def per_second(sessions: Sessions, count: int, in_flight: int) -> float:
    gate = asyncio.Semaphore(in_flight)

    async def bounded(n: int) -> None:
        async with gate:
            await one(sessions, n)

    started = time.perf_counter()
    await asyncio.gather(*(bounded(n) for n in range(count)))
    return count / (time.perf_counter() - started)


async def verify_cost(sessions: Sessions, rows: int, key: bytes | None) -> tuple[audit.Verdict, float]:
    """`audit verify` over `rows` chained rows (written 100 to a transaction; the unchained ones removed)."""
    async with sessions() as session:
        await session.execute(text("DELETE FROM audit_event"))
        await session.commit()
    for start in range(0, rows, 100):
        async with sessions() as session:
            for n in range(start, min(rows, start + 100)):
                audit.record(session, at=datetime.now(UTC), actor="bench", action="bench.row", detail={"n": n})
            await session.commit()
    started = time.perf_counter()
    verdict = await audit.verify(sessions, key=key)
    return verdict, time.perf_counter() - started


async def run(
    kind: str, count: int, in_flight: int, rounds: int, verify_rows: int, key: bytes | None
) -> list[dict[str, Any]]:
    figures: dict[tuple[str, int], list[float]] = {}
    async with fresh_database(kind) as url:
        engine = make_engine(url)
        await migrate.upgrade(engine)
        sessions = make_sessions(engine, audit_key=key)
        async with sessions() as session:
            session.add(Team(name="bench", timezone="UTC", created_at=datetime.now(UTC)))
            await session.commit()
        for _ in range(rounds):
            for on in (False, True):
                for flight in (1, in_flight):
                    chain(on)
                    rate = await per_second(sessions, count, flight)
                    figures.setdefault(("on" if on else "off", flight), []).append(rate)
        chain(True)
        verdict, verify_s = await verify_cost(sessions, verify_rows, key)
        await engine.dispose()
    rows = []
    for flight in (1, in_flight):
        off, on = statistics.median(figures[("off", flight)]), statistics.median(figures[("on", flight)])
        rows.append(
            {"database": kind, "keyed": key is not None, "in_flight": flight, "tx_per_s_chain_off": round(off),
             "tx_per_s_chain_on": round(on),
             "on_vs_off": round(on / off, 2), "load": load()}
        )  # fmt: skip
    rows.append(
        {"database": kind, "keyed": key is not None, "in_flight": "verify", "tx_per_s_chain_off": None,
         "tx_per_s_chain_on": None, "on_vs_off": None, "load": load(), "verify_rows": verdict.rows,
         "verify_s": round(verify_s, 2), "broken": verdict.broken_id}
    )  # fmt: skip
    return rows


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--transactions", type=int, default=400)
    p.add_argument("--in-flight", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--verify-rows", type=int, default=20000)
    p.add_argument("--database", default="both", choices=["sqlite", "postgres", "both"])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--key", action="store_true", help="chain with a B12BOT_AUDIT_KEY (HMAC-SHA256)")
    args = p.parse_args()
    key = b"bench-audit-key-" * 3 if args.key else None
    if args.quick:
        args.transactions, args.rounds, args.verify_rows = 50, 1, 1000
    info = await machine()
    rows = []
    for kind in databases(args.database):
        rows += await run(kind, args.transactions, args.in_flight, args.rounds, args.verify_rows, key)
    report("audit_chain", info, rows, note="medians over rounds; on_vs_off < 1 is the chain's cost")


if __name__ == "__main__":
    asyncio.run(main())
