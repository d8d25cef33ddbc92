"""The audit trail: append-only (there is no update or delete function, on purpose)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEvent


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the session's transaction (ids only; never health answers)."""
    session.add(AuditEvent(at=at, actor=actor, action=action, subject=subject, outcome=outcome, detail=detail))
