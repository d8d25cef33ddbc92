"""Two bot processes on one PostgreSQL against one: N due reminders sent by real `bot.cli run` processes.

Each run seeds a fresh database, serves the Bot API stand-in over HTTP on loopback from this process, starts
1 (then 2) processes and polls the outbox until every reminder is sent. The rate is timed from the first
reminder sent to the last (start-up excluded); duplicates are counted from the stand-in's messages (a chat
that got two reminders). CPU ms a message: the bot processes' user+system time (from /proc) over N, which
is less sensitive to the machine's load than the rates; then the timed window's CPU per party (bot_ms,
standin_ms: this process, pg_db_ms / pg_all_ms: PostgreSQL, rest_ms: everything else on the machine) and
`idle_estimate_2`, the ratio those figures allow on an otherwise idle machine (an estimate, not a measurement).

    .venv/bin/python bench/dispatch_procs.py [--rows 10000] [--processes 1,2] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import asyncpg
from common import fresh_database, load, machine, report, seed
from cpu_probe import backends_seconds, cpu_seconds, machine_busy_seconds, postgres_seconds

from bot.sandbox.procs import SECRET, bot_env, free_port, serve_standin, standin_with_chats, start_bot, terminate


async def sent_count(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE kind = 'dose_reminder' AND status = 'sent'"))


def snapshot(bots: list[int], database: str) -> dict[str, Any]:
    return {
        "t": time.perf_counter(),
        "bots": [cpu_seconds(pid) for pid in bots],
        "bench": time.process_time(),  # this process: the stand-in (HTTP server, spec checks) and the polling
        "pg": postgres_seconds(),
        "backends": backends_seconds(database),
        "busy": machine_busy_seconds(),
    }


def window(start: dict[str, Any], end: dict[str, Any], n: int) -> dict[str, Any]:
    """CPU ms a message between the first reminder sent and the last, per party (start-up excluded)."""
    backends = sum(cpu - start["backends"].get(pid, 0.0) for pid, cpu in end["backends"].items())
    bots = sum(end["bots"]) - sum(start["bots"])
    bench, pg, busy = (end[k] - start[k] for k in ("bench", "pg", "busy"))
    ms = 1000 / n
    return {
        "bot_ms": round(bots * ms, 2),
        "standin_ms": round(bench * ms, 2),
        "pg_db_ms": round(backends * ms, 2),
        "pg_all_ms": round(pg * ms, 2),
        "rest_ms": round((busy - bots - bench - pg) * ms, 2),
        "cores_busy": round(busy / (end["t"] - start["t"]), 2),
    }


async def run(n: int, processes: int, folder: Path) -> dict[str, object]:
    async with fresh_database("postgres") as url:
        database = url.rsplit("/", 1)[1]
        await seed(url, n, datetime.now(UTC))
        api = standin_with_chats(n)
        standin = await serve_standin(api)
        env = bot_env(
            url, standin.port, WEBHOOK_URL="https://bot.example.org/telegram", WEBHOOK_SECRET=SECRET, PORT="0"
        )
        procs = []
        for k in range(processes):
            procs.append(start_bot({**env, "PORT": str(free_port())}, folder / f"p{processes}-{k}.log", "--webhook"))
        pids = [p.pid for p in procs]
        load_start, first, cpu = load(), 0.0, [0.0] * processes
        start: dict[str, Any] = {}
        conn = await asyncpg.connect(url, ssl=False)  # one connection, asked only once the stand-in has them all
        try:
            while True:
                assert all(p.poll() is None for p in procs), "a bot process died (see its log)"
                cpu = [cpu_seconds(pid) for pid in pids]
                if api.messages and not first:
                    first, start = time.perf_counter(), snapshot(pids, database)
                if len(api.messages) >= n and await sent_count(conn) >= n:
                    break
                await asyncio.sleep(0.05)
            seconds = time.perf_counter() - first
            split = window(start, snapshot(pids, database), n)
        finally:
            await conn.close()
            for p in procs:
                await terminate(p)
            await standin.stop()
    per_chat = Counter(chat for chat, _ in api.messages)
    return {
        "processes": processes,
        "rows": n,
        "seconds": round(seconds, 2),
        "per_s": round(n / seconds),
        "cpu_ms_per_msg": round(1000 * sum(cpu) / n, 2),
        **split,
        "duplicates": sum(c - 1 for c in per_chat.values()),
        "lost": n - len(per_chat),
        "load": f"{load_start}-{load()}",
    }


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--processes", default="1,2")
    p.add_argument("--quick", action="store_true", help="2,000 rows")
    args = p.parse_args()
    n = 2_000 if args.quick else args.rows
    info = await machine()
    with TemporaryDirectory(prefix="b12procs-") as folder:
        rows = [await run(n, int(k), Path(folder)) for k in args.processes.split(",")]
    one = float(rows[0]["per_s"])  # type: ignore[arg-type]
    for row in rows:
        row["vs_one"] = round(float(row["per_s"]) / one, 2)  # type: ignore[arg-type]
    report("dispatch_procs", info, rows, goal="2 processes >= 1.6 x 1 process, 0 duplicates", **idle_estimate(rows))


def idle_estimate(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Not a measurement: the ratio the CPU figures allow on an otherwise idle machine of `cores`, with one
    process bound by its own CPU and k by the machine (the bots, the stand-in and the bench database's
    backends). Other runs on the machine (`rest_ms`) slow the measured rates; this figure leaves them out."""
    one, cores = rows[0], os.cpu_count() or 1
    out: dict[str, float] = {}
    for row in rows[1:]:
        k = int(row["processes"])
        machine = min(k, cores) / (row["bot_ms"] + row["standin_ms"] + row["pg_db_ms"])
        out[f"idle_estimate_{k}"] = round(min(k / row["bot_ms"], machine) * one["bot_ms"], 2)
    return out


if __name__ == "__main__":
    asyncio.run(main())
