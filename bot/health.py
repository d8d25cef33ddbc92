"""/healthz and /metrics: what the database and this process say about the bot's state."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import col

from bot.context import Services
from storage import inbox
from storage.models import Outbox
from storage.status import OutboxStatus

log = logging.getLogger(__name__)
QUERY_TIMEOUT = 5.0
INBOX_STALE_SECONDS = 300.0  # an update waiting longer than this means processing is stuck


def tick_stale_seconds(services: Services) -> float:
    return max(60.0, 10 * services.settings.b12bot_tick_seconds)


@dataclass(frozen=True)
class Snapshot:
    database_ok: bool
    due_backlog: int = 0
    inbox_backlog: int = 0
    inbox_lag_seconds: float = 0.0
    flags: int = 0
    last_tick_age_seconds: float | None = None


async def _flags(services: Services) -> int:
    """Rows of the `flag` table; 0 while it does not exist (an older schema)."""
    try:
        async with services.engine.connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM flag"))).scalar() or 0)
    except DBAPIError:
        return 0


async def _query(services: Services) -> Snapshot:
    now = services.now()
    async with services.sessions() as session:
        due = (
            await session.execute(
                select(func.count()).where(col(Outbox.status) == OutboxStatus.PENDING, col(Outbox.due_at) <= now)
            )
        ).scalar()
    waiting, oldest = await inbox.backlog(services.sessions)
    return Snapshot(
        database_ok=True,
        due_backlog=int(due or 0),
        inbox_backlog=waiting,
        inbox_lag_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        flags=await _flags(services),
        last_tick_age_seconds=tick_age(services),
    )


def tick_age(services: Services) -> float | None:
    last = services.telemetry.last_tick_at
    return None if last is None else max(0.0, (services.now() - last).total_seconds())


async def snapshot(services: Services) -> Snapshot:
    try:
        return await asyncio.wait_for(_query(services), QUERY_TIMEOUT)
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        log.warning("health: database unreachable", extra={"error": type(exc).__name__})
        return Snapshot(database_ok=False, last_tick_age_seconds=tick_age(services))


def health(snap: Snapshot, services: Services) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 200 when the database answers, ticks run and the inbox moves; else 503."""
    problems: list[str] = []
    if not snap.database_ok:
        problems.append("database unreachable")
    stale = tick_stale_seconds(services)
    age = snap.last_tick_age_seconds
    started = services.telemetry.started_at
    if age is None and started is not None and (services.now() - started).total_seconds() > stale:
        problems.append("no tick since start")
    if age is not None and age > stale:
        problems.append("ticks stalled")
    if snap.inbox_lag_seconds > INBOX_STALE_SECONDS:
        problems.append("inbox not processed")
    if services.stopping.is_set():
        problems.append("stopping")
    body: dict[str, Any] = {
        "status": "unhealthy" if problems else "ok",
        "problems": problems,
        "database": "ok" if snap.database_ok else "unreachable",
        "last_tick_age_seconds": None if age is None else round(age, 3),
        "inbox_backlog": snap.inbox_backlog,
        "inbox_lag_seconds": round(snap.inbox_lag_seconds, 3),
        "due_backlog": snap.due_backlog,
    }
    return (503 if problems else 200), body
