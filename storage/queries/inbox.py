"""Stored Telegram updates (inbox rows), as erasure blanks them: the update ids stay, so a replay still changes
nothing (rows are written and marked handled by storage/inbox.py and storage/unit.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, update
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InboxUpdate
from storage.updates import ERASED


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def blank_payloads(session: AsyncSession, *, update_ids: Sequence[int]) -> int:
    """These updates' payloads are blanked (who sent them stays); the rows changed."""
    query = update(InboxUpdate).where(col(InboxUpdate.update_id).in_(update_ids))
    return _count(await session.execute(query.values(payload=ERASED)))


def _blanked(now: datetime) -> dict[str, Any]:
    # a waiting update from them is not handled: marked handled at `now`
    return {
        "payload": ERASED,
        "chat_id": None,
        "user_id": None,
        "processed_at": func.coalesce(col(InboxUpdate.processed_at), now),
    }


async def blank_of_chat(session: AsyncSession, *, chat_id: int, now: datetime, keep_update_id: int | None) -> int:
    """Every update from this chat or sent by this user (but `keep_update_id`) is blanked; the rows changed."""
    query = update(InboxUpdate).where(or_(col(InboxUpdate.chat_id) == chat_id, col(InboxUpdate.user_id) == chat_id))
    if keep_update_id is not None:
        query = query.where(col(InboxUpdate.update_id) != keep_update_id)
    return _count(await session.execute(query.values(**_blanked(now))))


async def naming(session: AsyncSession, *, chat_id: int, keep_update_id: int | None) -> list[tuple[int, Any]]:
    """(update id, payload) of the updates whose text holds this id anywhere (a cheap filter: look inside)."""
    query = select(col(InboxUpdate.update_id), col(InboxUpdate.payload)).where(
        cast(col(InboxUpdate.payload), String).like(f"%{chat_id}%")
    )
    if keep_update_id is not None:
        query = query.where(col(InboxUpdate.update_id) != keep_update_id)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def blank(session: AsyncSession, *, update_ids: Sequence[int], now: datetime) -> int:
    """These updates are blanked as a person's own are (blank_of_chat); the rows changed."""
    query = update(InboxUpdate).where(col(InboxUpdate.update_id).in_(update_ids))
    return _count(await session.execute(query.values(**_blanked(now))))


async def delete_handled_before(session: AsyncSession, *, cutoff: datetime) -> int:
    """Handled updates older than `cutoff` are deleted (retention); the rows deleted."""
    return _count(await session.execute(delete(InboxUpdate).where(col(InboxUpdate.processed_at) < cutoff)))
