"""`b12bot run` itself at scale (issue 17): the real command in its own process, polling the Bot API stand-in
served over HTTP by this process, on a database with `--patients` enrolled, `--due` reminders due now and as
many patients to plan. Reports the bot process's peak RSS (VmHWM) once it has planned and sent them all, its
peak when it first asked for updates (ready: start-up done, before the first tick's work), and how long from
its start until then. `--runs N` measures each database N times, each in a fresh database and process.

Unlike bench/scale.py's child, nothing of the stand-in or the bench lives in the measured process, and the
bot talks to Telegram as in production (httpx, its connection pool). Rate limiter off, as in scale.py.

    .venv/bin/python bench/run_memory.py [--patients 100000] [--due 1000] [--database sqlite|postgres|both] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import databases, fresh_database, load, machine, report, seed

from bot.sandbox.procs import bot_env, serve_standin, standin_with_chats, start_bot, terminate, until


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measure(kind: str, patients: int, due: int) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    async with fresh_database(kind) as url:
        await seed(url, patients, now, due=due, unplanned=due)
        api = standin_with_chats(due)
        standin = await serve_standin(api)
        with tempfile.TemporaryDirectory(prefix="b12run-") as folder:
            log = Path(folder) / "bot.log"
            started = time.perf_counter()
            proc = start_bot(bot_env(url, standin.port, B12BOT_TICK_SECONDS="1"), log)
            try:

                async def polling() -> bool:
                    assert proc.poll() is None, tail(log)
                    return api.count("getUpdates") > 0

                await until(polling, within=60, every=0.02, what="the bot to poll")
                ready = time.perf_counter() - started
                ready_peak = peak_rss_mb(proc.pid)

                async def all_sent() -> bool:
                    assert proc.poll() is None, tail(log)
                    return api.count("sendMessage") >= due

                await until(all_sent, within=300, every=0.1, what="every due reminder sent")
                sent_s = time.perf_counter() - started
                await asyncio.sleep(2)  # two more ticks: the planner's next look, nothing due
                peak = peak_rss_mb(proc.pid)
            finally:
                code, _ = await terminate(proc, within=20)
                await standin.stop()
    return {"database": kind, "patients": patients, "due": due, "ready_from_start_s": round(ready, 2),
            "all_sent_s": round(sent_s, 1), "ready_rss_mb": round(ready_peak, 1), "peak_rss_mb": round(peak, 1),
            "exit": code, "load": load()}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--patients", type=int, default=100_000)
    p.add_argument("--due", type=int, default=1000, help="reminders due now (and patients to plan)")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    p.add_argument("--runs", type=int, default=1, help="measure each database this many times (alternated)")
    args = p.parse_args()
    info = await machine()
    kinds = databases(args.database) * args.runs
    rows = [await measure(kind, args.patients, args.due) for kind in kinds]
    report("run_memory", info, rows, goal="peak_rss_mb <= 90 and ready_from_start_s <= 2 at 100,000 patients")


if __name__ == "__main__":
    asyncio.run(main())
