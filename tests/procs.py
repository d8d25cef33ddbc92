"""Helpers for tests that run the bot for real: free ports, the stand-in over HTTP, bot subprocesses."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.httpserver import HttpServer
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.http import standin_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAtest-token-for-the-http-stand-in-only"
SECRET = "s3cret_Webhook-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def serve_standin(api: BotApiStandIn) -> HttpServer:
    return await HttpServer.start(standin_app(api), "127.0.0.1", 0)


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
