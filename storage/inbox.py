"""The durable inbox of Telegram updates: stored before confirmation, processed once.

What is stored of an update, and what is kept once it has been handled: storage/updates.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from storage.engine import Sessions
from storage.models import InboxUpdate
from storage.updates import handled_form, sender_ids, store_form

Handled = tuple[str | None, dict[str, Any] | None]  # (error, the payload to keep instead of handled_form)


def _row(update: dict[str, Any], now: datetime) -> dict[str, Any]:
    chat_id, user_id = sender_ids(update)
    payload = store_form(update)
    return {"update_id": int(update["update_id"]), "payload": payload, "received_at": now, "chat_id": chat_id,
            "user_id": user_id}  # fmt: skip


async def store(sessions: Sessions, *, updates: Sequence[dict[str, Any]], now: datetime) -> list[int]:
    """Insert updates not seen before (tokens masked, unhandled kinds reduced); returns the ids that were new."""
    if not updates:
        return []
    rows = [_row(u, now) for u in updates]
    async with sessions() as session:
        assert session.bind is not None
        dialect = session.bind.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(InboxUpdate).values(rows).on_conflict_do_nothing().returning(col(InboxUpdate.update_id))
        new = [row[0] for row in (await session.execute(stmt)).all()]
        await session.commit()
    return sorted(new)


async def pending(sessions: Sessions, *, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
    async with sessions() as session:
        result = await session.execute(
            select(col(InboxUpdate.update_id), col(InboxUpdate.payload))
            .where(col(InboxUpdate.processed_at).is_(None))
            .order_by(col(InboxUpdate.update_id))
            .limit(limit)
        )
        return [(row[0], row[1]) for row in result.all()]


def _done(update_id: int, payload: dict[str, Any], now: datetime, handled: Handled) -> Any:
    """Mark an update handled and keep only its handled form (or the replacement the handler asked for)."""
    error, replacement = handled
    kept = replacement if replacement is not None else handled_form(payload)
    values: dict[str, Any] = {"processed_at": now, "error": error, "payload": kept}
    if replacement is not None and replacement.get("erased"):
        values.update(chat_id=None, user_id=None)
    return update(InboxUpdate).where(col(InboxUpdate.update_id) == update_id).values(**values)


async def mark_done(
    sessions: Sessions, *, update_id: int, payload: dict[str, Any], now: datetime, handled: Handled = (None, None)
) -> None:
    async with sessions() as session:
        await session.execute(_done(update_id, payload, now, handled))
        await session.commit()


async def process_next(
    sessions: Sessions, *, handle: Callable[[int, dict[str, Any]], Awaitable[Handled]], clock: Callable[[], datetime]
) -> bool:
    """PostgreSQL, several processes: lock the oldest unprocessed update nobody holds (SKIP LOCKED),
    handle it while holding the lock, mark it done in the same transaction. False when none is left."""
    async with sessions() as session:
        row = (
            await session.execute(
                select(col(InboxUpdate.update_id), col(InboxUpdate.payload))
                .where(col(InboxUpdate.processed_at).is_(None))
                .order_by(col(InboxUpdate.update_id))
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).first()
        if row is None:
            return False
        handled = await handle(row[0], row[1])
        await session.execute(_done(row[0], row[1], clock(), handled))
        await session.commit()
    return True


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
