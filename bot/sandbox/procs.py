"""For tests and bench/ that run the bot for real: free ports, the stand-in over HTTP, bot subprocesses, seeding."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from bot.sandbox.api import BotApiStandIn
from care.regimens import build_regimen
from schedules import agenda
from storage import migrate
from storage.engine import make_engine, make_sessions
from storage.models import DoseEvent, Outbox, Patient, Team

if TYPE_CHECKING:  # the HTTP side loads only when the stand-in is served over HTTP: bench/scale.py's child
    from bot.sandbox.http import StandinServer  # imports this module and measures a polling bot's memory (issue 17)

ROOT = Path(__file__).resolve().parents[2]  # the checkout: subprocesses run from there
TOKEN = "123456789:AAtest-token-for-the-http-stand-in-only"  # noqa: S105  (the stand-in's, no real bot)
SECRET = "s3cret_Webhook-token-of-at-least-32-characters"  # noqa: S105  (tests and bench only)
CHAT0 = 5_000_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def serve_standin(api: BotApiStandIn) -> StandinServer:
    from bot.sandbox.http import StandinServer

    return await StandinServer.start(api)


async def until(check: Callable[[], Awaitable[bool]], *, within: float, every: float = 0.1, what: str = "") -> float:
    """Poll `check` until it is true; returns the seconds it took. Fails after `within` seconds."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > within:
            raise AssertionError(f"timed out after {within:.0f} s waiting for {what or check}")
        await asyncio.sleep(every)
    return time.monotonic() - started


def bot_env(database_url: str, api_port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "B12BOT_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{api_port}/bot",
        DATABASE_URL=database_url,
        BOT_USERNAME="b12_sandbox_bot",
        B12BOT_RATE_LIMITER="false",
        B12BOT_TICK_SECONDS="0.5",
        B12BOT_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def start_bot(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", "bot.cli", "run", *args], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )


async def terminate(proc: subprocess.Popen[bytes], *, within: float = 10.0) -> tuple[int, float]:
    """SIGTERM, then wait (polling) for the exit: (exit code, seconds it took)."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    while proc.poll() is None:
        if time.monotonic() - started > within:
            proc.kill()
            proc.wait()
            raise AssertionError(f"process {proc.pid} did not exit within {within} s of SIGTERM")
        await asyncio.sleep(0.05)
    return proc.returncode, time.monotonic() - started


async def seed(url: str, n: int, now: datetime, *, due: int | None = None, unplanned: int = 0) -> None:
    """`n` active patients (planned 30 days ahead, so the planner adds nothing); the first `due` (all by
    default) have one dose reminder due now. The last `unplanned` have no plan yet, for the planner to work on.
    Used by the tests and by bench/."""
    due = n if due is None else due
    engine = make_engine(url)
    await migrate.upgrade(engine)
    regimen = build_regimen("oral-high")
    try:
        async with make_sessions(engine)() as session:
            team = Team(name="Load clinic", timezone="UTC", created_at=now)
            session.add(team)
            await session.flush()
            ids: list[int] = []
            for chunk in range(0, n, 20_000):  # rows built a slice at a time: 100,000 patients in bench/scale.py
                rows = [
                    {
                        "team_id": team.id,
                        "alias": f"LD-{i}",
                        "status": "active",
                        "chat_id": CHAT0 + i,
                        "timezone": "UTC",
                        "reminder_time": "09:00",
                        "regimen_code": regimen.code,
                        "regimen": regimen.to_dict(),
                        "therapy_start": now.date(),
                        "created_at": now,
                        "consented_at": now,
                        "planned_until": None if i >= n - unplanned else now + timedelta(days=30),
                        "reviewed_at": now,
                    }
                    for i in range(chunk, min(n, chunk + 20_000))
                ]
                ids += await _insert(session, Patient, rows)
            doses = [
                {"patient_id": pid, "due_at": now, "local_date": now.date(), "route": "oral",
                 "closes_at": now + timedelta(days=1)}
                for pid in ids[:due]
            ]  # fmt: skip
            dose_ids = await _insert(session, DoseEvent, doses)
            rows = [
                {"kind": "dose_reminder", "dedupe_key": agenda.key_dose(did), "chat_id": CHAT0 + i, "patient_id": pid,
                 "ref_id": did, "due_at": now, "created_at": now}
                for i, (pid, did) in enumerate(zip(ids, dose_ids, strict=False))
            ]  # fmt: skip
            for start in range(0, len(rows), 5000):
                await session.execute(insert(Outbox), rows[start : start + 5000])
            await session.commit()
    finally:
        await engine.dispose()


async def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids += (await session.execute(stmt, rows[start : start + 5000])).scalars().all()
    return ids


def standin_with_chats(n: int, *, chat0: int = CHAT0, **kw: Any) -> BotApiStandIn:
    api = BotApiStandIn(**kw)
    for i in range(n):
        api.add_private_chat({"id": chat0 + i, "first_name": f"P{i}"})
    return api
