"""Dialect helpers for bulk statements: INSERT ... ON CONFLICT DO NOTHING, PostgreSQL or not, rows changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel.ext.asyncio.session import AsyncSession


@cache
def insert_of(postgres: bool) -> Callable[[Any], Any]:
    """The database's own `insert` (with ON CONFLICT), its dialect imported at the first call: a SQLite process
    never loads SQLAlchemy's PostgreSQL dialect, nor a PostgreSQL process the SQLite one (issue 17)."""
    if postgres:
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def insert_ignore(session: AsyncSession, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the session's database."""
    return insert_of(is_postgres(session))(table)


def is_postgres(session: AsyncSession) -> bool:
    assert session.bind is not None
    return session.bind.dialect.name == "postgresql"


def rowcount(result: Any) -> int:
    """Rows matched by an UPDATE (the cursor result's count)."""
    return int(result.rowcount or 0)


async def update_by_id(session: AsyncSession, *, model: Any, changes: Sequence[dict[str, Any]]) -> None:
    """An executemany UPDATE of `model`'s rows by primary key (each change names its row's `id`), one per set
    of columns changed. In Core (issue 17): the ORM's bulk UPDATE by primary key costs tens of microseconds a
    row in Python (its per-row bookkeeping and the session's synchronisation), this a cached statement."""
    table = model.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        groups.setdefault(tuple(change), []).append(change)
    stmt = update(table).where(table.c.id == bindparam("b_id"))  # SET: every other key of the rows
    for rows in groups.values():
        await session.execute(
            stmt, [{("b_id" if name == "id" else name): v for name, v in row.items()} for row in rows]
        )
