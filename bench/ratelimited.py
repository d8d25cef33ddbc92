"""With AIORateLimiter on (as against Telegram), the achieved send rate vs the limiter's 30 messages/s.

Baseline: a bare python-telegram-bot Bot with the same AIORateLimiter sending the same number of messages
on the same stand-in, in the same run. Goal: b12bot's dispatch achieves >= 95 % of 30/s.

    .venv/bin/python bench/ratelimited.py [--rows 600] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import CHAT0, add_chats, databases, fresh_database, load, machine, report, seed
from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot

from bot.app import RATE_LIMIT_RETRIES, SANDBOX_TOKEN
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.harness import Sandbox

LIMIT = 30.0  # AIORateLimiter's default overall_max_rate per second


async def baseline(n: int) -> float:
    api = BotApiStandIn()
    add_chats(api, n)
    bot: Bot = ExtBot(SANDBOX_TOKEN, request=api, get_updates_request=api,
                      rate_limiter=AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))  # fmt: skip
    await bot.initialize()
    began = time.perf_counter()
    await asyncio.gather(*(bot.send_message(CHAT0 + i, f"reminder {i}") for i in range(n)))
    seconds = time.perf_counter() - began
    await bot.shutdown()
    return seconds


async def dispatch(kind: str, n: int) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    async with fresh_database(kind) as url:
        await seed(url, n, now, due=n)
        async with Sandbox(database_url=url, start=now + timedelta(seconds=1), rate_limiter=True) as sb:
            add_chats(sb.api, n)
            began = time.perf_counter()
            sent = 0
            while sent < n:
                result = await sb.tick()
                if not result.dispatch.sent:
                    break
                sent += result.dispatch.sent
            seconds = time.perf_counter() - began
            assert sb.api.count("sendMessage") == n == sent
    return {"sender": f"b12bot dispatch ({kind})", "messages": n, "seconds": round(seconds, 2),
            "per_s": round(n / seconds, 1), "load": load()}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=600)
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--quick", action="store_true", help="150 messages")
    args = p.parse_args()
    n = 150 if args.quick else args.rows
    info = await machine()
    base_s = await baseline(n)
    rows: list[dict[str, Any]] = [
        {
            "sender": "bare PTB + AIORateLimiter",
            "messages": n,
            "seconds": round(base_s, 2),
            "per_s": round(n / base_s, 1),
            "load": load(),
        }
    ]
    for kind in databases(args.database):
        rows.append(await dispatch(kind, n))
    base = rows[0]["per_s"]
    for row in rows:
        # the limiter lets a first burst of 30 through at once; the rest at the steady rate
        row["steady_per_s"] = round((row["messages"] - LIMIT) / row["seconds"], 1)
        row["vs_30_per_s"] = round(row["steady_per_s"] / LIMIT, 3)
        row["vs_baseline"] = round(row["per_s"] / base, 3)
        row["goal_met"] = row["vs_30_per_s"] >= 0.95
    report("ratelimited", info, rows, goal="steady_per_s (after the first burst of 30) >= 95% of 30/s")


if __name__ == "__main__":
    asyncio.run(main())
