"""Issue 17 (memory): a `b12bot run` process in polling mode on SQLite does not load what it does not use:
PTB's own webhook server (tornado), httpx's command line (click, pygments), the bot's HTTP server (uvicorn,
starlette: only with a webhook or an HTTP port) and SQLAlchemy's PostgreSQL dialect and asyncpg (only on
PostgreSQL), and on PostgreSQL not sqlite3 or SQLAlchemy's SQLite dialect (~1.7 MB). bench/scale.py's child,
which measures that process's memory at 100,000 patients with the stand-in in process, loads no more than it does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# babel: at its first date shown, a digest, the /settings or /language screens, not for sending reminders
UNUSED = ("tornado", "click", "pygments", "uvicorn", "starlette", "sqlalchemy.dialects.postgresql", "asyncpg", "babel")


def modules_after(code: str, *, cwd: Path = ROOT) -> set[str]:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd)  # noqa: S603
    return set(run.stdout.split())


def unused(loaded: set[str]) -> set[str]:
    return {m for m in loaded if any(m == u or m.startswith(f"{u}.") for u in UNUSED)}


def test_the_polling_bot_loads_no_web_server_cli_or_postgresql_dialect() -> None:
    loaded = modules_after(
        "import sys, bot.cli, bot.runner, bot.app, bot.inbox, services.doses\n"
        "print(' '.join(sorted(m for m, mod in sys.modules.items() if mod is not None)))"
    )
    assert {"telegram.ext", "httpx", "sqlalchemy.ext.asyncio"} <= loaded  # SQLite's dialect: with the engine (below)
    assert not unused(loaded)


TOKEN = "123456789:sandbox-token-for-the-local-stand-in-only"  # the stand-in's, not a secret
SQLITE = ("sqlite3", "_sqlite3", "aiosqlite", "sqlalchemy.dialects.sqlite", "storage.sqlite_driver")
BOT_BUILT = (  # what `b12bot run` holds once it is wired, before it connects: its services and its Application
    "import os, sys, bot.cli, bot.runner, bot.app, bot.inbox, bot.ticks, services.doses\n"
    "from bot.settings import Settings\n"
    "os.environ.update(DATABASE_URL={url!r}, TELEGRAM_BOT_TOKEN={token!r})\n"
    "bot.app.build_application(bot.app.build_services(Settings()))\n"
    "print(' '.join(sorted(m for m, mod in sys.modules.items() if mod is not None)))"
)


def of(loaded: set[str], names: tuple[str, ...]) -> set[str]:
    return {m for m in loaded if any(m == u or m.startswith(f"{u}.") for u in names)}


def test_the_bot_on_postgresql_loads_no_sqlite() -> None:
    loaded = modules_after(BOT_BUILT.format(url="postgresql://b12@127.0.0.1:1/b12", token=TOKEN))  # never connected
    assert {"asyncpg", "sqlalchemy.dialects.postgresql"} <= loaded
    assert not of(loaded, SQLITE)


def test_the_bot_on_sqlite_loads_its_driver_and_no_postgresql(tmp_path: Path) -> None:
    loaded = modules_after(BOT_BUILT.format(url=f"sqlite:///{tmp_path / 'b12.db'}", token=TOKEN))
    assert {"sqlite3", "sqlalchemy.dialects.sqlite", "storage.sqlite_driver"} <= loaded
    assert not unused(loaded)


def test_the_bot_process_loads_no_stand_in_or_simulator() -> None:
    """The `simulate` subcommand is parsed by every `b12bot` command; its clinic, the Bot API stand-in (and its
    900 KB spec) and the harness load only when a simulation runs."""
    loaded = modules_after(
        "import sys, bot.cli, bot.runner, bot.app\n"
        "print(' '.join(sorted(m for m, mod in sys.modules.items() if mod is not None)))"
    )
    assert "bot.simulate.command" in loaded
    assert not {m for m in loaded if m.startswith(("bot.sandbox", "bot.simulate.clinic", "bot.simulate.run"))}


def test_the_scale_benchmark_child_loads_what_the_bot_does_and_the_stand_in() -> None:
    loaded = modules_after(
        "import sys, common, scale, bot.sandbox.api, bot.sandbox.harness, bot.app, bot.ticks, schedules.planner\n"
        "print(' '.join(sorted(m for m, mod in sys.modules.items() if mod is not None)))",
        cwd=ROOT / "bench",
    )
    assert {"bot.sandbox.procs", "telegram.ext", "sqlalchemy.ext.asyncio"} <= loaded
    assert not unused(loaded)


def test_the_web_server_still_loads_when_asked_for() -> None:
    loaded = modules_after(
        "import sys, bot.cli, bot.web, bot.cli_errors\n"
        "assert bot.web.ListenError is bot.cli_errors.ListenError\n"
        "print(' '.join(sorted(m for m, mod in sys.modules.items() if mod is not None)))"
    )
    assert {"uvicorn", "starlette"} <= loaded
