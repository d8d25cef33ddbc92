"""The audit trail, read: counts the guards take from it (rows are written by storage/audit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, literal, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEvent


async def unknown_link_opens(session: AsyncSession, *, actor: str, since: datetime, limit: int) -> int:
    """Refused link opens of `actor` for an unknown token after `since`, counted up to `limit` (bounded by the
    index on `audit_event.at`)."""
    recent = (
        select(literal(1))
        .where(
            col(AuditEvent.at) > since,
            col(AuditEvent.actor) == actor,
            col(AuditEvent.action) == "link.open",
            col(AuditEvent.outcome) == "refused",
            col(AuditEvent.detail)["reason"].as_string() == "unknown",
        )
        .limit(limit)
        .subquery()
    )
    return int((await session.execute(select(func.count()).select_from(recent))).scalar_one())
