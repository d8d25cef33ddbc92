"""Teams, their members and the one-time links (invite rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Invite, Team, TeamMember


async def by_name(session: AsyncSession, *, name: str) -> Team | None:
    return (await session.exec(select(Team).where(col(Team.name) == name))).first()


async def alert_chat_ids(session: AsyncSession) -> list[int]:
    """Every team's alert group, where one is set."""
    query = select(Team.alert_chat_id).where(col(Team.alert_chat_id).is_not(None))
    return [chat for chat in (await session.exec(query)).all() if chat is not None]


async def active_member_user_ids(session: AsyncSession) -> list[int]:
    """The Telegram user id of every active membership (a member of two teams twice)."""
    return list((await session.exec(select(TeamMember.telegram_user_id).where(col(TeamMember.active)))).all())


async def active_members(session: AsyncSession, *, team_id: int | None) -> list[TeamMember]:
    query = select(TeamMember).where(col(TeamMember.team_id) == team_id, col(TeamMember.active).is_(True))
    return list((await session.exec(query)).all())


async def member(session: AsyncSession, *, team_id: int | None, user_id: int) -> TeamMember | None:
    """The membership row of this user in the team, active or not."""
    query = select(TeamMember).where(col(TeamMember.team_id) == team_id, col(TeamMember.telegram_user_id) == user_id)
    return (await session.exec(query)).first()


async def invite_by_hash(session: AsyncSession, *, digest: str) -> Invite | None:
    return (await session.exec(select(Invite).where(col(Invite.token_hash) == digest))).first()


async def open_patient_invite(session: AsyncSession, *, chat_id: int, now: datetime) -> int | None:
    """The newest patient invite this chat opened and has not answered yet, still valid at `now`."""
    query = (
        select(Invite.id)
        .where(
            col(Invite.opened_chat_id) == chat_id,
            col(Invite.kind) == "patient",
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .order_by(col(Invite.id).desc())
    )
    return (await session.exec(query)).first()


async def expire_unused_invites(session: AsyncSession, *, ids: Sequence[int], now: datetime) -> None:
    """These invites, where not used yet, stop working at `now`."""
    await session.execute(
        update(Invite).where(col(Invite.id).in_(ids), col(Invite.used_at).is_(None)).values(expires_at=now)
    )
