"""Fuzzed updates through the real path (inbox, Application, handlers, services, storage) on a populated clinic.

Hypothesis draws Update dicts of the shapes Telegram sends: messages and edited messages (random text,
every command with random arguments) from strangers in private chats and in groups, button presses with
random callback data (1-64 bytes, or a registered prefix with random fields) from strangers and from
enrolled people on rows that do not exist, and block/unblock of the bot by strangers.

Invalid input, and what it may do:
- no crash (every batch is delivered and the Application goes on), no unhandled exception (nothing logged
  at ERROR: the Application's error handler, the inbox's "could not be processed"; no inbox row with an error),
  no call that the Bot API stand-in refuses as a contract breach;
- no write: every table but `inbox_update` and `audit_event` is the same row for row before and after, and
  every audit row added has the outcome "refused" (or "ignored").

The suite draws 1,000 updates on SQLite and 150 on PostgreSQL (B12BOT_FUZZ_UPDATES sets the SQLite count);
bench/fuzz.py draws 100,000 and prints the figures. The strategies are in bot/sandbox/fuzzing.py, the world and
the checks in bot/sandbox/security_world.py and bot/sandbox/fuzz_checks.py (shared with the bench).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from telegram.error import NetworkError

from bot.sandbox.fuzz_checks import fuzz_world, run_fuzz
from bot.sandbox.harness import Sandbox
from bot.sandbox.security_world import NOW


async def test_fuzzed_updates_crash_nothing_raise_nothing_and_write_nothing(database_url: str) -> None:
    sqlite = database_url.startswith("sqlite")
    n = int(os.environ.get("B12BOT_FUZZ_UPDATES", "1000")) if sqlite else 150
    started = datetime.now(UTC)
    fuzz = await run_fuzz(database_url, n, seed=7 if sqlite else 11)
    assert not fuzz.problems, "\n".join(fuzz.problems)
    assert fuzz.sent == n, (fuzz.sent, n, datetime.now(UTC) - started)


async def test_the_fuzz_checks_catch_a_write_and_an_exception(sqlite_url: str) -> None:
    """The same checks on input that is valid (a patient's /pause writes) or meets a fault: they fire."""
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        fuzz = await fuzz_world(sb)
        await fuzz.send([{"message": {"user": 2001, "text": "/pause", "where": "private"}}])
        assert len(fuzz.problems) == 1 and "tables changed ['patient']" in fuzz.problems[0]
        fuzz.problems.clear()
        sb.api.raise_next("sendMessage", NetworkError("fault injected"))
        await fuzz.send([{"message": {"user": 4000, "text": "/help", "where": "private"}}])
        assert sb.api.faults_fired == 1
        assert len(fuzz.problems) == 1 and "handler failed" in fuzz.problems[0]
