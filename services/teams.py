"""Who may act for a care team: every team command checks it, every refusal is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.engine import Sessions
from storage.models import Team, TeamMember


@dataclass(frozen=True)
class Membership:
    team_id: int
    team: str
    timezone: str
    language: str


async def memberships(session: AsyncSession, user_id: int) -> list[Membership]:
    rows = (
        await session.exec(
            select(Team)
            .join(TeamMember, col(TeamMember.team_id) == Team.id)
            .where(TeamMember.telegram_user_id == user_id, col(TeamMember.active).is_(True))
            .order_by(col(Team.id))
        )
    ).all()
    return [Membership(t.id or 0, t.name, t.timezone, t.language) for t in rows]


async def is_member(session: AsyncSession, *, user_id: int, team_id: int) -> bool:
    found = (
        await session.exec(
            select(TeamMember.id).where(
                TeamMember.team_id == team_id, TeamMember.telegram_user_id == user_id, col(TeamMember.active).is_(True)
            )
        )
    ).first()
    return found is not None


async def was_removed(session: AsyncSession, *, user_id: int, team_id: int | None) -> bool:
    """A member of that team (of any team when None) once, and no longer active: removed."""
    query = select(TeamMember.id).where(TeamMember.telegram_user_id == user_id, col(TeamMember.active).is_(False))
    if team_id is not None:
        query = query.where(TeamMember.team_id == team_id)
    return (await session.exec(query)).first() is not None


async def team_of_chat(session: AsyncSession, chat_id: int) -> Team | None:
    """The team whose alert group this chat is."""
    return (await session.exec(select(Team).where(Team.alert_chat_id == chat_id))).first()


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
    query = select(TeamMember.telegram_user_id).where(TeamMember.team_id == team_id, col(TeamMember.active))
    return sorted((await session.exec(query)).all())
