"""Shared pieces of the benchmarks: the machine, fresh databases, bulk seeding, tables and the JSON line."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.sandbox.procs import CHAT0  # noqa: E402
from bot.sandbox.procs import seed as seed  # noqa: E402  (re-exported: one seeding helper for the tests and bench/)

PG_ADMIN_DSN = os.environ.get("B12BOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def load() -> float:
    return round(os.getloadavg()[0], 2)


def rss_mb() -> float:
    """Current resident set size (VmRSS) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def since_process_start() -> float:
    """Seconds since this process was created (/proc: interpreter start and every import included), to 10 ms."""
    start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    return float(Path("/proc/uptime").read_text().split()[0]) - start_ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    """Peak resident set size (VmHWM) in MB. Not ru_maxrss: on Linux that survives fork + exec, so a child
    would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "sqlite": __import__("sqlite3").sqlite_version,
        "load_at_start": load(),
    }
    import asyncpg  # here and below, not at the top: bench/scale.py's child measures the bot's own imports

    try:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        info["postgres"] = (await conn.fetchval("SHOW server_version")).split()[0]
        await conn.close()
    except (OSError, asyncpg.PostgresError):
        info["postgres"] = None
    return info


def databases(choice: str) -> list[str]:
    return ["sqlite", "postgres"] if choice == "both" else [choice]


@contextlib.asynccontextmanager
async def fresh_database(kind: str) -> AsyncIterator[str]:
    """A temporary SQLite file, or a PostgreSQL database created for the run and dropped after it."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="b12bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    import asyncpg

    name = f"b12bot_bench_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{name}"
    finally:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def add_chats(api: Any, n: int) -> None:
    for i in range(n):
        api.add_private_chat({"id": CHAT0 + i, "first_name": f"P{i}"})


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    began = time.perf_counter()
    yield box
    box.append(time.perf_counter() - began)


def table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)"
    cols = list(rows[0])
    cells = [[f"{r.get(c, ''):,.3g}" if isinstance(r.get(c), float) else str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def report(name: str, info: dict[str, Any], rows: list[dict[str, Any]], **extra: Any) -> None:
    """The machine, the table, then exactly one JSON line (last line of stdout)."""
    print(f"# {name}: {info['cores']} cores, Python {info['python']}, SQLite {info['sqlite']}, "
          f"PostgreSQL {info['postgres']}, load {info['load_at_start']} at start, {load()} at end")  # fmt: skip
    print(table(rows))
    for key, value in extra.items():
        print(f"{key}: {value}")
    print(json.dumps({"bench": name, "machine": info, "load_at_end": load(), "rows": rows, **extra}), flush=True)
