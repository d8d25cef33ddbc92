"""Audit rows for refusals that no other service sees (malformed or unknown buttons)."""

from __future__ import annotations

from datetime import datetime

from storage import audit
from storage.engine import Sessions


async def refused(sessions: Sessions, *, actor: str, action: str, reason: str, now: datetime) -> None:
    async with sessions() as session:
        audit.record(session, at=now, actor=actor, action=action, outcome="refused", detail={"reason": reason})
        await session.commit()
