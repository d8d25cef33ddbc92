"""Teams, their members and the one-time links (invite rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Patient, Team, TeamMember


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


async def all_by_name(session: AsyncSession) -> list[Team]:
    """Every team, by name."""
    return list((await session.exec(select(Team).order_by(col(Team.name)))).all())


async def by_alert_chat(session: AsyncSession, *, chat_id: int) -> Team | None:
    """The team whose alert group this chat is."""
    return (await session.exec(select(Team).where(Team.alert_chat_id == chat_id))).first()


async def all_by_alert_chat(session: AsyncSession, *, chat_id: int) -> list[Team]:
    """Every team whose alert group this chat is."""
    return list((await session.exec(select(Team).where(Team.alert_chat_id == chat_id))).all())


async def of_active_member(session: AsyncSession, *, user_id: int) -> list[Team]:
    """The teams this user is an active member of, by id."""
    query = (
        select(Team)
        .join(TeamMember, col(TeamMember.team_id) == Team.id)
        .where(TeamMember.telegram_user_id == user_id, col(TeamMember.active).is_(True))
        .order_by(col(Team.id))
    )
    return list((await session.exec(query)).all())


async def is_active_member(session: AsyncSession, *, user_id: int, team_id: int, role: str | None = None) -> bool:
    """An active member of the team (with this role when given)."""
    query = select(TeamMember.id).where(
        TeamMember.team_id == team_id, TeamMember.telegram_user_id == user_id, col(TeamMember.active).is_(True)
    )
    if role is not None:
        query = query.where(TeamMember.role == role)
    return (await session.exec(query)).first() is not None


async def was_removed(session: AsyncSession, *, user_id: int, team_id: int | None) -> bool:
    """A member of that team (of any team when None) once, and no longer active."""
    query = select(TeamMember.id).where(TeamMember.telegram_user_id == user_id, col(TeamMember.active).is_(False))
    if team_id is not None:
        query = query.where(TeamMember.team_id == team_id)
    return (await session.exec(query)).first() is not None


async def active_member_ids(session: AsyncSession, *, team_id: int) -> list[int]:
    """The Telegram user ids of the team's active members, sorted."""
    query = select(TeamMember.telegram_user_id).where(TeamMember.team_id == team_id, col(TeamMember.active))
    return sorted((await session.exec(query)).all())


async def active_member_count(session: AsyncSession, *, team_id: int) -> int:
    query = (
        select(func.count())
        .select_from(TeamMember)
        .where(TeamMember.team_id == team_id, col(TeamMember.active).is_(True))
    )
    return int((await session.exec(query)).one())


async def active_member_counts(session: AsyncSession) -> dict[int, int]:
    """Team id -> its active members (teams with none are left out)."""
    query = (
        select(TeamMember.team_id, func.count())
        .where(col(TeamMember.active).is_(True))
        .group_by(col(TeamMember.team_id))
    )
    return {team_id: int(n) for team_id, n in (await session.exec(query)).all()}


async def members_of(session: AsyncSession, *, team_id: int, removed: bool) -> list[TeamMember]:
    """The team's members, first joined first; the removed ones too when `removed`."""
    query = select(TeamMember).where(TeamMember.team_id == team_id)
    if not removed:
        query = query.where(col(TeamMember.active).is_(True))
    return list((await session.exec(query.order_by(col(TeamMember.joined_at), col(TeamMember.id)))).all())


async def find_member(session: AsyncSession, *, team_id: int, who: int | str) -> TeamMember | None:
    """The team's member with this user id or @username (lower case), active ones first."""
    query = select(TeamMember).where(TeamMember.team_id == team_id)
    if isinstance(who, int):
        query = query.where(TeamMember.telegram_user_id == who)
    else:
        query = query.where(func.lower(col(TeamMember.username)) == who)
    return (await session.exec(query.order_by(col(TeamMember.active).desc()))).first()


async def memberships_of_user(session: AsyncSession, *, user_id: int) -> list[TeamMember]:
    """Every member row of this user, in any team, active or not."""
    return list((await session.exec(select(TeamMember).where(TeamMember.telegram_user_id == user_id))).all())


async def with_consented_patients(session: AsyncSession, *, states: Sequence[str]) -> list[Team]:
    """The teams with at least one patient in `states` who consented."""
    patients = select(Patient.team_id).where(col(Patient.status).in_(states), col(Patient.consented_at).is_not(None))
    return list((await session.exec(select(Team).where(col(Team.id).in_(patients)))).all())


async def active_member_pairs(session: AsyncSession, *, team_ids: Sequence[int | None]) -> list[Any]:
    """(team id, Telegram user id) of every active member of these teams."""
    query = select(TeamMember.team_id, TeamMember.telegram_user_id).where(
        col(TeamMember.team_id).in_(team_ids), col(TeamMember.active).is_(True)
    )
    return list((await session.exec(query)).all())
