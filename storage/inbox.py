"""The durable inbox of Telegram updates: stored before confirmation, processed once.

What is stored of an update, and what is kept once it has been handled: storage/updates.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from storage.engine import Sessions, retry_on_disconnect
from storage.models import InboxUpdate
from storage.queries.dialect import insert_of
from storage.updates import handled_form, sender_ids, store_form

INBOX = InboxUpdate.__table__  # type: ignore[attr-defined]
Handled = tuple[str | None, dict[str, Any] | None]  # (error, the payload to keep instead of handled_form)
Mark = tuple[Any, dict[str, Any]]  # a statement built once, and its parameters


@cache
def _insert_new(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING update_id, built once per database: the table, not the entity
    (no ORM bulk path), one parameter set per row."""
    return insert_of(dialect == "postgresql")(INBOX).on_conflict_do_nothing().returning(INBOX.c.update_id)


def _marks() -> dict[tuple[bool, bool], Any]:
    """The UPDATEs that mark an update handled, built once: (only if not marked yet, its sender erased)."""
    marks = {}
    values: dict[str, Any] = {"processed_at": bindparam("at"), "error": bindparam("error")}
    values["payload"] = bindparam("kept")
    for waiting in (True, False):
        for erased in (False, True):
            stmt = INBOX.update().where(INBOX.c.update_id == bindparam("id"))
            if waiting:
                stmt = stmt.where(INBOX.c.processed_at.is_(None))
            marks[waiting, erased] = stmt.values(**values, **({"chat_id": None, "user_id": None} if erased else {}))
    return marks


MARKS = _marks()


def _row(update: dict[str, Any], now: datetime) -> dict[str, Any]:
    chat_id, user_id = sender_ids(update)
    payload = store_form(update)
    return {"update_id": int(update["update_id"]), "payload": payload, "received_at": now, "chat_id": chat_id,
            "user_id": user_id}  # fmt: skip


async def store(engine: AsyncEngine, *, updates: Sequence[dict[str, Any]], now: datetime) -> dict[int, dict[str, Any]]:
    """Insert updates not seen before (tokens masked, unhandled kinds reduced), a whole batch in one statement,
    on a connection of its own (no ORM session: nothing of it is an object); returns the new ones (id: the
    payload stored), in id order. Retried once on a lost connection."""
    if not updates:
        return {}
    rows = {int(u["update_id"]): _row(u, now) for u in updates}
    stmt = _insert_new(engine.dialect.name)

    async def insert_new() -> list[int]:
        async with engine.connect() as conn:
            if engine.dialect.name == "postgresql":  # one statement, its own transaction: no BEGIN and COMMIT
                await conn.execution_options(isolation_level="AUTOCOMMIT")
            new = [row[0] for row in (await conn.execute(stmt, list(rows.values()))).all()]
            await conn.commit()
        return new

    return {i: rows[i]["payload"] for i in sorted(await retry_on_disconnect(insert_new))}


async def pending(sessions: Sessions, *, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
    async with sessions() as session:
        result = await session.execute(
            select(col(InboxUpdate.update_id), col(InboxUpdate.payload))
            .where(col(InboxUpdate.processed_at).is_(None))
            .order_by(col(InboxUpdate.update_id))
            .limit(limit)
        )
        return [(row[0], row[1]) for row in result.all()]


def mark(
    update_id: int, payload: dict[str, Any], now: datetime, handled: Handled = (None, None), *, waiting: bool = True
) -> Mark:
    """Mark an update handled and keep only its handled form (or the replacement the handler asked for).
    `waiting`: only if it is not marked yet (a replay or another process may have been first)."""
    error, replacement = handled
    kept = replacement if replacement is not None else handled_form(payload)
    erased = replacement is not None and bool(replacement.get("erased"))
    return MARKS[waiting, erased], {"id": update_id, "at": now, "error": error, "kept": kept}


NEXT = (  # the oldest unprocessed update nobody holds, locked (PostgreSQL); built once
    select(INBOX.c.update_id, INBOX.c.payload)
    .where(INBOX.c.processed_at.is_(None))
    .order_by(INBOX.c.update_id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


async def claim_next(conn: AsyncConnection) -> tuple[int, dict[str, Any]] | None:
    """PostgreSQL, several processes: lock the oldest unprocessed update nobody holds (SKIP LOCKED), in the
    connection's transaction; it stays locked until that transaction commits (storage/unit.py)."""
    row = (await conn.execute(NEXT)).first()
    return None if row is None else (row[0], row[1])


async def backlog(sessions: Sessions) -> tuple[int, datetime | None]:
    """How many updates wait to be processed, and when the oldest of them arrived."""
    async with sessions() as session:
        row = (
            await session.execute(
                select(func.count(), func.min(col(InboxUpdate.received_at))).where(
                    col(InboxUpdate.processed_at).is_(None)
                )
            )
        ).one()
    return int(row[0]), row[1]
