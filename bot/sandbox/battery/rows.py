"""What the battery's scenarios read and change in the database directly, as plain SQL on a fresh engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from storage.engine import make_engine

REMINDERS = "FROM outbox WHERE kind = 'dose_reminder'"
AGE_CLAIMS = "UPDATE outbox SET claimed_at = claimed_at - interval '1 hour' WHERE status IN ('claimed', 'sending')"


async def query(url: str, sql: str) -> list[Any]:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql))
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()
