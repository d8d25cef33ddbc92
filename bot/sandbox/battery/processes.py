"""The kill -9 scenario: real bot processes killed mid-send and restarted; nothing lost, duplicates only in flight."""

from __future__ import annotations

import asyncio
import random
import subprocess
import time as clocks
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.sandbox.api import BotApiStandIn
from bot.sandbox.battery.rows import AGE_CLAIMS, REMINDERS, query
from bot.sandbox.procs import bot_env, serve_standin, standin_with_chats, start_bot, terminate, until
from bot.sandbox.procs import seed as seed_reminders


def _sends_reach(api: BotApiStandIn, proc: subprocess.Popen[bytes], goal: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        assert proc.poll() is None, f"the bot exited early with {proc.returncode}"
        return api.count("sendMessage") >= goal

    return check


async def killnine(url: str, *, n: int, kills: int, rng: random.Random, logs: Path) -> dict[str, Any]:
    """Real bot processes fan out `n` reminders; each is killed with SIGKILL when the stand-in has seen a
    random number of sends (then a random 0-20 ms more), and restarted. On PostgreSQL the restarted
    process takes the dead one's claims back once their lease expired: the test ages them by an hour
    instead of waiting the 2 minutes. Returns counts; `unexplained` duplicates must be 0."""
    postgres = url.startswith("postgresql")
    await seed_reminders(url, n, datetime.now(UTC))
    api = standin_with_chats(n)
    server = await serve_standin(api)
    env = bot_env(url, server.port)
    targets = sorted(rng.sample(range(1, n), kills))
    in_flight: set[int] = set()  # chats whose send may have landed while its row was 'sending' at a kill
    killed = 0
    started = clocks.monotonic()
    proc = None
    try:
        for k, target in enumerate([*targets, None]):
            proc = start_bot(env, logs / f"run{k}.log")
            if target is None:
                break
            goal = max(target, api.count("sendMessage") + 1)
            await until(_sends_reach(api, proc, goal), within=60 + n * 0.05, every=0.005, what=f"{goal} sends")
            await asyncio.sleep(rng.uniform(0, 0.02))
            proc.kill()
            killed += proc.wait() == -9
            # in flight = marked 'sending' at the kill: a request the dead process had already written may
            # still reach the stand-in after this point, so "delivered before the kill" cannot be read here
            sending = {row[0] for row in await query(url, f"SELECT chat_id {REMINDERS} AND status = 'sending'")}
            in_flight |= sending
            if postgres:  # the lease (2 minutes) runs out: as if the restart came that much later
                await query(url, AGE_CLAIMS)

        async def all_sent() -> bool:
            rows = await query(url, f"SELECT count(*) {REMINDERS} AND status = 'sent'")
            return int(rows[0][0]) == n

        await until(all_sent, within=60 + n * 0.05, every=0.25, what=f"all {n} reminders sent")
        seconds = clocks.monotonic() - started
        assert proc is not None
        exit_code, _ = await terminate(proc)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        await server.stop()
    per_chat = Counter(chat for chat, _ in api.messages)
    twice = {chat for chat, k in per_chat.items() if k > 1}
    rows = await query(url, f"SELECT chat_id, status, uncertain {REMINDERS}")
    uncertain = {row[0] for row in rows if row[2]}
    return {
        "reminders": n,
        "kills": killed,
        "lost": n - len(per_chat),
        "not_recorded_sent": sum(1 for row in rows if row[1] != "sent"),
        "duplicates": sum(per_chat[c] - 1 for c in twice),
        "duplicates_not_in_flight": len(twice - in_flight),
        "duplicates_not_uncertain": len(twice - uncertain),
        "in_flight_at_kills": len(in_flight),
        "uncertain": len(uncertain),
        "exit_code_last": exit_code,
        "seconds": round(seconds, 1),
    }
