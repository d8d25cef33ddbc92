"""The PostgreSQL password and the bot token are secrets: repr, error messages, logs, /healthz and /metrics
never show them (issue 12: `repr(settings)` showed `DATABASE_URL` with its password).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.procs import ROOT, SECRET, TOKEN, bot_env, free_port, serve_standin, start_bot, terminate, until
from bot.settings import Settings
from bot.web import SECRET_HEADER

PASSWORD = "pw-Hunter2-b12"  # PostgreSQL here trusts every local connection: any password works


def with_password(url: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{PASSWORD}@")


def test_repr_str_and_dump_of_the_settings_hide_the_password_and_the_token() -> None:
    settings = Settings(database_url=f"postgresql://b12bot:{PASSWORD}@db:5432/b12bot", telegram_bot_token=TOKEN)
    for shown in (repr(settings), str(settings), json.dumps(settings.model_dump(mode="json"))):
        assert PASSWORD not in shown and TOKEN not in shown
    assert settings.db_url == f"postgresql+asyncpg://b12bot:{PASSWORD}@db:5432/b12bot"  # the code still gets it
    assert settings.token == TOKEN


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_URL": f"mysql://b12bot:{PASSWORD}@db/b12bot"},
        {"DATABASE_URL": f"postgresql://b12bot:{PASSWORD}@db:port/b12bot"},
        {"DATABASE_URL": f"postgresql://b12bot:{PASSWORD}@[::1/b12bot"},
        {"TELEGRAM_BOT_TOKEN": f"{TOKEN}!"},
    ],
)
def test_a_bad_url_or_token_is_named_and_never_echoed(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert PASSWORD not in str(raised.value) and TOKEN not in str(raised.value)
    assert main(["regimens"]) == 2
    captured = capsys.readouterr()
    assert f"bad setting: {next(iter(env))}" in captured.err
    assert PASSWORD not in captured.err + captured.out and TOKEN not in captured.err + captured.out


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres:{PASSWORD}@127.0.0.1:9/b12bot",  # nothing listens
        f"postgresql://no_such_role:{PASSWORD}@127.0.0.1:5432/postgres",  # refused by the server
        f"postgresql://postgres:{PASSWORD}@no-such-host.invalid:5432/b12bot",  # no such host
    ],
)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["audit", "verify"], ["run"]])
def test_an_unusable_database_is_one_clear_line_without_the_password(
    url: str, command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_USERNAME", "b12_sandbox_bot")
    assert main(command) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("b12bot: cannot use the database"), captured.err
    assert "DATABASE_URL" in lines[0] and "postgresql://" in lines[0] and "***" in lines[0]
    assert PASSWORD not in captured.err + captured.out and TOKEN not in captured.err + captured.out


async def test_a_running_bot_never_shows_them_in_its_logs_healthz_or_metrics(postgres_url: str, tmp_path: Path) -> None:
    """`b12bot run --webhook` at DEBUG on a PostgreSQL URL with a password: start, serve, stop; then scan."""
    url = with_password(postgres_url)
    assert main_upgrade(url) == 0
    standin = await serve_standin(BotApiStandIn())
    port = free_port()
    env = bot_env(
        url,
        standin.port,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        PORT=str(port),
        B12BOT_LOG_LEVEL="DEBUG",
    )
    log = tmp_path / "bot.log"
    proc = start_bot(env, log, "--webhook")
    bodies: list[str] = []
    try:
        async with httpx.AsyncClient() as client:

            async def healthy() -> bool:
                assert proc.poll() is None, log.read_text()
                try:
                    return (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await until(healthy, within=30, what="the bot's /healthz")
            update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}}
            for answer in (
                await client.get(f"http://127.0.0.1:{port}/healthz"),
                await client.get(f"http://127.0.0.1:{port}/metrics"),
                await client.post(f"http://127.0.0.1:{port}/telegram", json=update, headers={SECRET_HEADER: SECRET}),
                await client.post(f"http://127.0.0.1:{port}/telegram", json=update),
            ):
                bodies.append(answer.text)
    finally:
        assert (await terminate(proc))[0] == 0
        await standin.stop()
    text = log.read_text()
    assert re.search(r'"event": "b12bot running"', text), text[-2000:]
    for shown in (text, *bodies):
        assert PASSWORD not in shown and TOKEN not in shown and SECRET not in shown


def main_upgrade(url: str) -> int:
    env = bot_env(url, 1)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, check=False
    )
    assert PASSWORD not in (done.stdout + done.stderr).decode()
    return done.returncode
