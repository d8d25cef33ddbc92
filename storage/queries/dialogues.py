"""Dialogue rows (a guided conversation per chat and user): find, claim, end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Dialogue


async def find(session: AsyncSession, *, chat_id: int, user_id: int, kind: str) -> Dialogue | None:
    """The dialogue of `kind` of this chat and user."""
    query = select(Dialogue).where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id, Dialogue.kind == kind)
    return (await session.exec(query)).first()


async def of_user(session: AsyncSession, *, chat_id: int, user_id: int) -> Dialogue | None:
    """This chat and user's dialogue, whatever its kind (there is at most one)."""
    query = select(Dialogue).where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id)
    return (await session.exec(query)).first()


async def id_of_user(session: AsyncSession, *, chat_id: int, user_id: int) -> int | None:
    query = select(Dialogue.id).where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id)
    return (await session.exec(query)).first()


async def id_in_chat(session: AsyncSession, *, chat_id: int, kind: str, user_id: int | None = None) -> int | None:
    """A dialogue of `kind` in this chat (of `user_id` when given), if any."""
    query = select(Dialogue.id).where(Dialogue.chat_id == chat_id, Dialogue.kind == kind)
    if user_id is not None:
        query = query.where(Dialogue.user_id == user_id)
    return (await session.exec(query)).first()


async def drop(session: AsyncSession, *, chat_id: int, user_id: int, kind: str | None = None) -> int:
    """Delete this chat and user's dialogue (only of `kind` when given); the rows deleted."""
    query = delete(Dialogue).where(col(Dialogue.chat_id) == chat_id, col(Dialogue.user_id) == user_id)
    if kind is not None:
        query = query.where(col(Dialogue.kind) == kind)
    return int((await session.exec(query)).rowcount or 0)


async def drop_kind(session: AsyncSession, *, chat_id: int, kind: str) -> int:
    """Delete every dialogue of `kind` in this chat; the rows deleted."""
    query = delete(Dialogue).where(col(Dialogue.chat_id) == chat_id, col(Dialogue.kind) == kind)
    return int((await session.exec(query)).rowcount or 0)


async def claim(session: AsyncSession, *, dialogue_id: int | None, step: str) -> bool:
    """Delete the row while it is at `step`: True for the one caller that did (a double tap acts once)."""
    query = delete(Dialogue).where(col(Dialogue.id) == dialogue_id, col(Dialogue.step) == step)
    return (await session.exec(query)).rowcount == 1


_DIALOGUES = Dialogue.__table__  # type: ignore[attr-defined]
# built once (it runs on every button press); the table, not the entity: no ORM synchronisation to do
END = _DIALOGUES.delete().where(
    _DIALOGUES.c.chat_id == bindparam("chat"),
    _DIALOGUES.c.user_id == bindparam("user"),
    _DIALOGUES.c.kind == bindparam("kind"),
)


async def end(session: AsyncSession, *, chat_id: int, user_id: int, kind: str) -> int:
    """Delete this chat and user's dialogue of `kind` (a prepared statement, for the hot path); the rows."""
    result: Any = await session.execute(END, {"chat": chat_id, "user": user_id, "kind": kind})
    return int(result.rowcount or 0)


async def drop_of_chat(session: AsyncSession, *, chat_id: int) -> int:
    """Delete every dialogue of this chat, whoever's; the rows deleted."""
    return int((await session.exec(delete(Dialogue).where(col(Dialogue.chat_id) == chat_id))).rowcount or 0)


async def id_at_step(session: AsyncSession, *, chat_id: int, kind: str, step: str) -> int | None:
    """A dialogue of `kind` at `step` in this chat, if any."""
    query = select(Dialogue.id).where(Dialogue.chat_id == chat_id, Dialogue.kind == kind, Dialogue.step == step)
    return (await session.exec(query)).first()


async def all_at_step(session: AsyncSession, *, kind: str, step: str) -> list[Dialogue]:
    """Every dialogue of `kind` at `step`, in any chat."""
    return list((await session.exec(select(Dialogue).where(Dialogue.kind == kind, Dialogue.step == step))).all())


async def blank_idle(session: AsyncSession, *, kind: str, before: datetime) -> int:
    """The answers of `kind` dialogues idle since before `before` are forgotten (data {}); the rows changed."""
    query = update(Dialogue).where(col(Dialogue.kind) == kind, col(Dialogue.updated_at) < before).values(data={})
    result: Any = await session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_idle(session: AsyncSession, *, before: datetime) -> int:
    """Dialogues idle since before `before` are deleted, but not an erasure waiting to be retried; the rows."""
    waiting = (col(Dialogue.kind) == "erase") & (col(Dialogue.step) == "retry")
    result: Any = await session.execute(delete(Dialogue).where(col(Dialogue.updated_at) < before, ~waiting))
    return int(getattr(result, "rowcount", 0) or 0)
