"""Dialect helpers for bulk statements: INSERT ... ON CONFLICT DO NOTHING, PostgreSQL or not, rows changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_ignore(session: AsyncSession, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the session's database."""
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":  # imported here: a SQLite process never loads it (issue 17)
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)


def is_postgres(session: AsyncSession) -> bool:
    assert session.bind is not None
    return session.bind.dialect.name == "postgresql"


def rowcount(result: Any) -> int:
    """Rows matched by an UPDATE (the cursor result's count)."""
    return int(result.rowcount or 0)


async def update_by_id(session: AsyncSession, *, model: Any, changes: Sequence[dict[str, Any]]) -> None:
    """One executemany UPDATE of `model`'s rows by primary key (each change names its row's `id`)."""
    await session.execute(update(model), changes)
