"""/members and the admin's Remove button, in a member's private chat or the team's group (team_access.scope).

Any active member may list the members of the teams in scope; only an admin of the team may remove one
(after a Confirm press), never themselves. Every list, removal and refusal is an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services import members
from services.team_access import Caller, refusal_reason, refuse, scope, scope_or_refuse
from storage import audit
from storage.engine import Sessions
from storage.models import Team, TeamMember

STEPS = ("rm", "ok", "no")  # ask to remove, confirm, cancel


@dataclass(frozen=True)
class Roster:
    team_id: int
    team: str
    admin: bool  # the caller is an admin of this team
    lines: tuple[members.MemberLine, ...]


@dataclass(frozen=True)
class Removal:
    kind: str  # ask removed cancelled | refused self stale
    name: str = ""
    team: str = ""


async def view(sessions: Sessions, caller: Caller, *, username: str | None, now: datetime) -> list[Roster] | None:
    """The members of every team in scope, or None (refused and audited)."""
    async with sessions() as session:
        team_ids = await scope_or_refuse(session, caller, action="team.members", now=now)
        if isinstance(team_ids, str):
            return None
        await members.remember_username(session, user_id=caller.user_id, username=username)
        rosters = []
        for team_id in team_ids:
            team = await session.get(Team, team_id)
            admin = await members.is_admin(session, user_id=caller.user_id, team_id=team_id)
            lines = tuple(await members.roster(session, team_id))
            rosters.append(Roster(team_id, team.name if team else "", admin, lines))
        detail = {"teams": team_ids}
        audit.record(session, at=now, actor=caller.actor, action="team.members", detail=detail)
        await session.commit()
        return rosters


async def removal(sessions: Sessions, caller: Caller, *, member_id: int, step: str, now: datetime) -> Removal:
    """A press of Remove (`rm`), then Confirm (`ok`) or Cancel (`no`): the presser must be an active
    admin of the member's team, pressing where that team is in scope."""
    async with sessions() as session:
        member = await session.get(TeamMember, member_id)
        team = await session.get(Team, member.team_id) if member is not None else None
        reason = None
        if member is None or team is None:
            reason = "not_found"
        elif member.team_id not in await scope(session, caller):
            reason = await refusal_reason(session, caller, member.team_id)
        elif not await members.is_admin(session, user_id=caller.user_id, team_id=member.team_id):
            reason = "not_admin"
        elif member.telegram_user_id == caller.user_id:
            reason = "self"
        elif not member.active:
            reason = "stale"  # removed already
        if reason is not None or member is None or team is None:
            subject = f"team:{team.id}" if team is not None else None
            await refuse(session, caller, action="team.member_remove", now=now, subject=subject, reason=reason or "")
            return Removal(reason if reason in ("self", "stale") else "refused")
        name = members.line(member).name
        if step != "ok":
            return Removal("ask" if step == "rm" else "cancelled", name, team.name)
        await members.remove(session, member, team, actor=caller.actor, now=now)
        await session.commit()
        return Removal("removed", name, team.name)
