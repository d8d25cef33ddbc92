"""A clinician opening a team's join link (called by consent.open_link, which checked expiry and use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services import members, menus
from storage import audit
from storage.models import Invite, Team, TeamMember
from storage.queries import teams as teams_q


async def join(
    session: AsyncSession, invite: Invite, team: Team, user_id: int, now: datetime, username: str | None = None
) -> str:
    """The user joins the team (again, when removed earlier): "member_joined", or "member_already" (nothing
    changes: the transaction is rolled back, so read what you need of `team` before calling)."""
    member = await teams_q.member(session, team_id=team.id, user_id=user_id)
    if member is not None and member.active:
        await session.rollback()
        return "member_already"
    assert team.id is not None
    role = await members.join_role(session, team.id)  # the team's first (active) member is its admin
    if member is None:
        session.add(TeamMember(team_id=team.id, telegram_user_id=user_id, joined_at=now, role=role, username=username))
    else:
        member.active, member.role, member.username = True, role, username
    invite.used_at, invite.outcome, invite.opened_chat_id = now, "joined", user_id
    audit.record(session, at=now, actor=f"tg:{user_id}", action="team.join", subject=f"team:{team.id}")
    await menus.plan(session, user_id, now=now)  # the team's commands in the member's menu
    await session.commit()
    return "member_joined"
