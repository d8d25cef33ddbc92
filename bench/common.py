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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from care.regimens import build_regimen  # noqa: E402
from storage import migrate  # noqa: E402
from storage.engine import make_engine, make_sessions  # noqa: E402
from storage.models import DoseEvent, Outbox, Patient, Team  # noqa: E402

PG_ADMIN_DSN = os.environ.get("B12BOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CHAT0 = 5_000_000


def load() -> float:
    return round(os.getloadavg()[0], 2)


def rss_mb() -> float:
    """Current resident set size (VmRSS) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


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


async def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list((await session.execute(stmt, rows)).scalars().all())


async def seed(url: str, *, patients: int, due: int, now: datetime, unplanned: int = 0) -> None:
    """`patients` active patients (planned 30 days ahead); the first `due` have one dose reminder due now.

    The last `unplanned` patients have no plan yet (planned_until NULL), for the planner to work on.
    """
    engine = make_engine(url)
    await migrate.upgrade(engine)
    regimen = build_regimen("oral-high")
    try:
        async with make_sessions(engine)() as session:
            team = Team(name="Bench clinic", timezone="UTC", created_at=now)
            session.add(team)
            await session.flush()
            ids: list[int] = []
            for start in range(0, patients, 20_000):
                rows = [
                    {
                        "team_id": team.id,
                        "alias": f"BN-{i}",
                        "status": "active",
                        "chat_id": CHAT0 + i,
                        "timezone": "UTC",
                        "reminder_time": "09:00",
                        "regimen_code": regimen.code,
                        "regimen": regimen.to_dict(),
                        "therapy_start": now.date(),
                        "created_at": now,
                        "consented_at": now,
                        "planned_until": None if i >= patients - unplanned else now + timedelta(days=30),
                        "reviewed_at": now,
                    }
                    for i in range(start, min(patients, start + 20_000))
                ]
                ids += await _insert(session, Patient, rows)
            doses = [
                {"patient_id": pid, "due_at": now, "local_date": now.date(), "route": "oral",
                 "closes_at": now + timedelta(days=1)}
                for pid in ids[:due]
            ]  # fmt: skip
            dose_ids = await _insert(session, DoseEvent, doses) if doses else []
            rows = [
                {"kind": "dose_reminder", "dedupe_key": f"dose:{did}", "chat_id": CHAT0 + i, "patient_id": pid,
                 "ref_id": did, "due_at": now, "created_at": now}
                for i, (pid, did) in enumerate(zip(ids, dose_ids, strict=False))
            ]  # fmt: skip
            if rows:
                await session.execute(insert(Outbox), rows)
            await session.commit()
    finally:
        await engine.dispose()


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
