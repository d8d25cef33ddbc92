"""A care team's members: who they are, the admin role, and removing one. No Telegram here.

The first member of a team (a member who joins a team with no active member) is its admin; an operator
names more with `b12bot team members --team T --admin <id|@username>`. A removed member (active = False)
keeps their history (audit rows, acknowledgements) but is refused every team command and button from then
on (team_access / teams check `active`); the team messages still waiting for their private chat are
dropped, and they are told. Usernames are the Telegram @username as last seen (at joining, at /members).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from schedules.team_reroute import NO_FALLBACK, TEAM_KINDS, team_of
from services import menus
from storage import audit
from storage.models import Team, TeamMember
from storage.queries import outbox as outbox_q
from storage.queries import teams as teams_q

ADMIN = "admin"
CLINICIAN = "clinician"


@dataclass(frozen=True)
class MemberLine:
    member_id: int
    user_id: int
    username: str | None
    role: str
    active: bool
    joined_at: datetime

    @property
    def name(self) -> str:
        return f"@{self.username}" if self.username else f"user {self.user_id}"


def line(member: TeamMember) -> MemberLine:
    return MemberLine(
        member.id or 0, member.telegram_user_id, member.username, member.role, member.active, member.joined_at
    )


async def roster(session: AsyncSession, team_id: int, *, removed: bool = False) -> list[MemberLine]:
    """The team's members, first joined first; with `removed`, the removed ones too."""
    return [line(m) for m in await teams_q.members_of(session, team_id=team_id, removed=removed)]


async def join_role(session: AsyncSession, team_id: int) -> str:
    """The role of someone joining now: admin when the team has no active member (its first member)."""
    return ADMIN if await teams_q.active_member_count(session, team_id=team_id) == 0 else CLINICIAN


async def is_admin(session: AsyncSession, *, user_id: int, team_id: int) -> bool:
    return await teams_q.is_active_member(session, user_id=user_id, team_id=team_id, role=ADMIN)


def parse_member(spec: str) -> int | str | None:
    """A Telegram user id (digits) or an @username (5-32 letters, digits, _), else None."""
    spec = spec.strip()
    if spec.isascii() and spec.isdigit() and 0 < len(spec) <= 19:
        return int(spec)
    name = spec.removeprefix("@")
    if spec.startswith("@") and 5 <= len(name) <= 32 and name.isascii() and name.replace("_", "").isalnum():
        return name.lower()
    return None


async def find(session: AsyncSession, team_id: int, who: int | str) -> TeamMember | None:
    """The team's member with this user id or @username (case-insensitive), active ones first."""
    return await teams_q.find_member(session, team_id=team_id, who=who)


async def remember_username(session: AsyncSession, *, user_id: int, username: str | None) -> None:
    """Keep the member rows' @username as Telegram shows it now (the caller commits)."""
    for member in await teams_q.memberships_of_user(session, user_id=user_id):
        if member.username != username:
            member.username = username
            session.add(member)


async def remove(session: AsyncSession, member: TeamMember, team: Team, *, actor: str, now: datetime) -> None:
    """Remove `member` from `team` (the caller commits): no more access, alerts or digests; audited."""
    member.active, member.role = False, CLINICIAN
    session.add(member)
    waiting = await outbox_q.pending_to(session, chat_id=member.telegram_user_id, kinds=TEAM_KINDS)
    theirs = [box.id for box in waiting if await team_of(session, box) == team.id]
    await agenda.drop(session, outbox_q.with_ids(ids=theirs), reason="member removed")
    payload = {"key": "team_member_removed_notice", "params": {"team": team.name}, NO_FALLBACK: True}
    payload["lang"] = team.language
    told = agenda.key_member_removed(team.id or 0, member.telegram_user_id, now)
    await agenda.enqueue(
        session, [agenda.Entry("team_notice", told, member.telegram_user_id, now, payload=payload)], now=now
    )
    await menus.plan(session, member.telegram_user_id, now=now)  # the team's commands leave their menu
    detail = {"member": member.telegram_user_id}
    audit.record(session, at=now, actor=actor, action="team.member_remove", subject=f"team:{team.id}", detail=detail)


async def name_admin(session: AsyncSession, member: TeamMember, *, actor: str, now: datetime) -> None:
    member.role = ADMIN
    session.add(member)
    detail = {"member": member.telegram_user_id}
    audit.record(session, at=now, actor=actor, action="team.admin", subject=f"team:{member.team_id}", detail=detail)
