"""Dialect helpers for the agenda's bulk statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_ignore(session: AsyncSession, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the session's database."""
    assert session.bind is not None
    dialect = session.bind.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def is_postgres(session: AsyncSession) -> bool:
    assert session.bind is not None
    return session.bind.dialect.name == "postgresql"


def rowcount(result: Any) -> int:
    """Rows matched by an UPDATE (the cursor result's count)."""
    return int(result.rowcount or 0)
