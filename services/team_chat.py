"""/team_chat: make a Telegram group the alert chat of a care team. Members only; refusals audited.

A team with no group gets it at once (every member is told); a team that has one is asked to confirm
the move (services/alert_chat_move.py), so one member cannot redirect the alerts quietly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schedules.team_reroute import repoint
from services.alert_chat_move import Where, point_alerts
from storage import audit
from storage.engine import Sessions
from storage.models import Team
from storage.queries import teams as teams_q

from . import teams


@dataclass(frozen=True)
class TeamChatResult:
    kind: str  # set | already | refused | choose | taken | confirm (the team has another group)
    team: str = ""
    teams: tuple[str, ...] = ()
    team_id: int = 0


async def set_alert_chat(
    sessions: Sessions,
    *,
    user_id: int,
    chat_id: int,
    team_name: str | None,
    now: datetime,
    title: str = "",
    by: str = "",
) -> TeamChatResult:
    """Set the team's alert chat to this group. `team_name` picks the team when the caller has several;
    `title` (the group's) and `by` (who) are what the members' notice names."""
    async with sessions() as session:
        mine = await teams.memberships(session, user_id)
        wanted = " ".join(team_name.split()) if team_name else None
        chosen = [m for m in mine if wanted is None or m.team == wanted]
        current = await teams.team_of_chat(session, chat_id)
    if not chosen:
        async with sessions() as session:
            reason = "removed" if await teams.was_removed(session, user_id=user_id, team_id=None) else "not_a_member"
        subject = f"chat:{chat_id}"
        await teams.refuse(sessions, user_id=user_id, action="team.alert_chat", now=now, subject=subject, reason=reason)
        return TeamChatResult("refused")
    if len(chosen) > 1:
        return TeamChatResult("choose", teams=tuple(m.team for m in chosen))
    member = chosen[0]
    if current is not None:
        if current.id == member.team_id:
            return TeamChatResult("already", member.team)
        await teams.refuse(
            sessions, user_id=user_id, action="team.alert_chat", now=now, subject=f"chat:{chat_id}", reason="taken"
        )
        return TeamChatResult("taken")
    async with sessions() as session:
        team = await session.get(Team, member.team_id)
        assert team is not None
        if team.alert_chat_id is not None:  # moving the alerts away from another group: confirm first
            return TeamChatResult("confirm", member.team, team_id=member.team_id)
        await point_alerts(session, team, Where(chat_id, title, by), user_id=user_id, now=now)
        await session.commit()
    return TeamChatResult("set", member.team)


async def move_alert_chat(sessions: Sessions, *, old: int, new: int, now: datetime) -> int:
    """Follow a group that became a supergroup (new chat id). Idempotent; returns the teams moved."""
    async with sessions() as session:
        moved = await teams_q.all_by_alert_chat(session, chat_id=old)
        if moved:
            await repoint(session, old=old, new=new)
        for team in moved:
            team.alert_chat_id = new
            session.add(team)
            detail = {"from": old, "to": new}
            audit.record(
                session,
                at=now,
                actor="telegram",
                action="team.alert_chat_moved",
                subject=f"team:{team.id}",
                detail=detail,
            )
        await session.commit()
    return len(moved)
