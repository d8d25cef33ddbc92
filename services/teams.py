"""Who may act for a care team: every team command checks it, every refusal is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.engine import Sessions
from storage.models import Team
from storage.queries import teams as teams_q


@dataclass(frozen=True)
class Membership:
    team_id: int
    team: str
    timezone: str
    language: str


async def memberships(session: AsyncSession, user_id: int) -> list[Membership]:
    rows = await teams_q.of_active_member(session, user_id=user_id)
    return [Membership(t.id or 0, t.name, t.timezone, t.language) for t in rows]


async def is_member(session: AsyncSession, *, user_id: int, team_id: int) -> bool:
    return await teams_q.is_active_member(session, user_id=user_id, team_id=team_id)


async def was_removed(session: AsyncSession, *, user_id: int, team_id: int | None) -> bool:
    """A member of that team (of any team when None) once, and no longer active: removed."""
    return await teams_q.was_removed(session, user_id=user_id, team_id=team_id)


async def team_of_chat(session: AsyncSession, chat_id: int) -> Team | None:
    """The team whose alert group this chat is."""
    return await teams_q.by_alert_chat(session, chat_id=chat_id)


async def refuse(
    sessions: Sessions,
    *,
    user_id: int,
    action: str,
    now: datetime,
    subject: str | None = None,
    reason: str = "not_a_member",
) -> None:
    """Record a refused team action (who, what, when, why: a removed member is named so)."""
    async with sessions() as session:
        if reason == "not_a_member" and await was_removed(session, user_id=user_id, team_id=None):
            reason = "removed"
        audit.record(
            session,
            at=now,
            actor=f"tg:{user_id}",
            action=action,
            subject=subject,
            outcome="refused",
            detail={"reason": reason},
        )
        await session.commit()


async def member_ids(session: AsyncSession, team_id: int) -> list[int]:
    """The Telegram user ids of the team's active members."""
    return await teams_q.active_member_ids(session, team_id=team_id)
