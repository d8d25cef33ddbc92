"""Real bot processes: several share one PostgreSQL without sending twice; SQLite allows one; SIGTERM loses nothing.

The processes run `python -m bot.cli run` against the Bot API stand-in served over HTTP on loopback.
Reminders are seeded straight into the database (patients, dose events, outbox rows due now).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import pytest

from bot.sandbox.api import BotApiStandIn
from bot.sandbox.procs import (
    ROOT,
    SECRET,
    bot_env,
    free_port,
    seed,
    serve_standin,
    standin_with_chats,
    start_bot,
    terminate,
    until,
)
from bot.web import HttpServer
from storage import migrate
from storage.engine import make_engine

# 10,000 rows cost ~100 s of CPU (PTB + httpx ~7 ms a message, the stand-in ~3 ms): too much for every run of
# the suite on a 2-core machine; the figure in deploy/README.md was taken with B12BOT_TEST_LOAD_ROWS=10000
LOAD_ROWS = int(os.environ.get("B12BOT_TEST_LOAD_ROWS", "3000"))
LOAD_DEADLINE = 60 + LOAD_ROWS * 0.03  # a deadline, not a benchmark: the machine may be busy with other work


async def statuses(url: str) -> Counter[str]:
    """Status counts of the seeded reminder rows (each one sent adds a nudge row, not counted here)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT status, count(*) n FROM outbox WHERE kind = 'dose_reminder' GROUP BY 1")
        return Counter({r["status"]: r["n"] for r in rows})
    finally:
        await conn.close()


def messages_per_chat(api: BotApiStandIn) -> Counter[int]:
    return Counter(chat for chat, _ in api.messages)


def webhook_env(url: str, api_port: int, **extra: str) -> dict[str, str]:
    return bot_env(
        url,
        api_port,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        PORT=str(free_port()),
        **extra,
    )


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


@pytest.mark.parametrize("processes", [2, 3])
async def test_processes_share_one_postgres_without_duplicates_or_losses(
    postgres_url: str, tmp_path: Path, processes: int
) -> None:
    n = LOAD_ROWS
    await seed(postgres_url, n, datetime.now(UTC))
    api = standin_with_chats(n)
    standin = await serve_standin(api)
    logs = [tmp_path / f"bot{k}.log" for k in range(processes)]
    procs = [start_bot(webhook_env(postgres_url, standin.port), log, "--webhook") for log in logs]
    started = time.monotonic()
    try:

        async def all_sent() -> bool:
            assert all(p.poll() is None for p in procs), "\n".join(tail(log) for log in logs)
            return (await statuses(postgres_url))["sent"] == n

        await until(all_sent, within=LOAD_DEADLINE, every=0.25, what=f"{n} reminders sent")
        seconds = time.monotonic() - started
    finally:
        exits = [await terminate(p) for p in procs]
        await standin.stop()
    per_chat = messages_per_chat(api)
    duplicates = sum(c - 1 for c in per_chat.values())
    lost = n - len(per_chat)
    conn = await asyncpg.connect(postgres_url)
    try:
        reminders = "FROM outbox WHERE kind = 'dose_reminder'"  # the seeded rows (sending each adds a nudge row)
        workers = await conn.fetch(f"SELECT claimed_by, count(*) n {reminders} GROUP BY 1")
        uncertain = await conn.fetchval(f"SELECT count(*) {reminders} AND uncertain")
        states = await conn.fetch(f"SELECT status, count(*) n {reminders} GROUP BY 1")
    finally:
        await conn.close()
    share = sorted(r["n"] for r in workers)
    print(
        f"\n{processes} processes: {n} rows in {seconds:.1f} s (from spawn), duplicates={duplicates} lost={lost} "
        f"uncertain={uncertain} per-process={share} exit={exits}",
        file=sys.stderr,
    )
    assert duplicates == 0 and lost == 0 and uncertain == 0
    assert {r["status"]: r["n"] for r in states} == {"sent": n}
    assert len(workers) >= 2, "the work was not shared"  # (a process may start too late to get a share)
    assert [code for code, _ in exits] == [0] * processes


async def test_sigterm_during_a_fan_out_exits_0_within_10s_and_loses_nothing(postgres_url: str, tmp_path: Path) -> None:
    n = 1500
    await seed(postgres_url, n, datetime.now(UTC))
    api = standin_with_chats(n)
    standin = await serve_standin(api)
    try:
        # the rate limiter on (30 messages/s): SIGTERM arrives with a slice of sends in flight
        proc = start_bot(
            webhook_env(postgres_url, standin.port, B12BOT_RATE_LIMITER="true"), tmp_path / "a.log", "--webhook"
        )

        async def sending() -> bool:
            assert proc.poll() is None, tail(tmp_path / "a.log")
            return api.count("sendMessage") >= 40

        await until(sending, within=30, what="the fan-out to start")
        code, seconds = await terminate(proc, within=10)
        assert code == 0, tail(tmp_path / "a.log")
        after_stop = await statuses(postgres_url)
        sent_before = messages_per_chat(api)
        assert set(after_stop) <= {"sent", "pending"}, after_stop  # nothing left claimed or in 'sending'
        assert after_stop["sent"] == len(sent_before) < n  # each recorded send reached Telegram once
        assert max(sent_before.values()) == 1

        proc = start_bot(webhook_env(postgres_url, standin.port), tmp_path / "b.log", "--webhook")  # the restart

        async def all_sent() -> bool:
            assert proc.poll() is None, tail(tmp_path / "b.log")
            return (await statuses(postgres_url))["sent"] == n

        await until(all_sent, within=120, what="the rest sent after the restart")
        assert (await terminate(proc))[0] == 0
    finally:
        await standin.stop()
    per_chat = messages_per_chat(api)
    print(f"\nSIGTERM: exit 0 after {seconds:.2f} s, {after_stop['sent']} sent before, all {n} after", file=sys.stderr)
    assert len(per_chat) == n and max(per_chat.values()) == 1


async def test_a_second_process_on_the_same_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/b12bot.db"
    engine = make_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    api = BotApiStandIn()
    standin: HttpServer = await serve_standin(api)
    http_port = free_port()
    env = bot_env(url, standin.port, B12BOT_HTTP_PORT=str(http_port))
    first = start_bot(env, tmp_path / "first.log")
    try:

        async def healthy() -> bool:
            assert first.poll() is None, tail(tmp_path / "first.log")
            try:
                async with httpx.AsyncClient() as client:
                    return (await client.get(f"http://127.0.0.1:{http_port}/healthz")).status_code == 200
            except httpx.TransportError:
                return False

        await until(healthy, within=30, what="the first process")
        second = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env={k: v for k, v in env.items() if k != "B12BOT_HTTP_PORT"},
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(second.communicate(), 30)
        message = err.decode()
        assert second.returncode == 2, message
        assert "already running" in message and f"{tmp_path}/b12bot.db" in message and ".lock" in message
        assert "Traceback" not in message
        assert first.poll() is None  # the first one carries on
        assert (await terminate(first))[0] == 0
    finally:
        if first.poll() is None:
            first.kill()
        await standin.stop()


async def test_replicas_upgrading_the_schema_at_once_take_turns(postgres_url: str) -> None:
    """Every container runs `b12bot db upgrade` on start; on PostgreSQL they must not trip over each other."""
    engines = [make_engine(postgres_url) for _ in range(3)]
    try:
        await asyncio.gather(*(migrate.upgrade(engine) for engine in engines))
        assert await migrate.current_revision(engines[0]) == migrate.head_revision()
    finally:
        for engine in engines:
            await engine.dispose()


async def test_two_processes_draining_one_inbox_handle_each_update_once(postgres_url: str) -> None:
    """Webhook replicas each drain the shared inbox: on PostgreSQL an update being handled is locked."""
    from bot.app import build_application, build_services
    from bot.inbox import drain, receive
    from bot.sandbox.updates import UpdateFactory, VirtualUser
    from bot.settings import Settings

    engine = make_engine(postgres_url)
    await migrate.upgrade(engine)
    await engine.dispose()
    api = BotApiStandIn()
    users = [VirtualUser(3000 + i, f"U{i}") for i in range(30)]
    factory = UpdateFactory(api)
    for user in users:
        api.add_private_chat(user.as_json())
    replicas = [build_services(Settings(database_url=postgres_url, b12bot_rate_limiter=False)) for _ in range(2)]
    apps = [build_application(services, request=api) for services in replicas]
    for app in apps:
        await app.initialize()
    try:
        await receive(apps[0], [factory.text(user, "/help") for user in users])
        done = await asyncio.gather(*(drain(app) for app in apps))
        assert sum(done) == len(users)
        assert all(len(api.sent_to(user.id)) == 1 for user in users)
        assert await drain(apps[1]) == 0
    finally:
        for app, services in zip(apps, replicas, strict=True):
            await app.shutdown()
            await services.engine.dispose()
