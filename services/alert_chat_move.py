"""Where a team's alerts go, changed in the open: confirmed, told to every member and the old group, audited.

`/team_chat` in a group sets the team's alert chat at once when the team has none (every member is told
that alerts now go to that group); when the team already has a group, the member is asked to confirm
(`a1:<team>:y|n`), and on confirmation the old group and every member are told where alerts go now.
The presser must be an active member of that team, in a group that is no other team's alert chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from schedules.team_reroute import NO_FALLBACK, members, repoint
from services import menus, teams
from storage import audit
from storage.engine import Sessions
from storage.models import Team


@dataclass(frozen=True)
class Where:
    """The group being set, and who set it, as the notices name them."""

    chat_id: int
    title: str
    by: str


@dataclass(frozen=True)
class MoveResult:
    kind: str  # moved cancelled already refused taken
    team: str = ""


def notice(team: Team, chat: int, key: str, where: Where, now: datetime, *, only_here: bool = False) -> agenda.Entry:
    payload = {"key": key, "params": {"team": team.name, "group": where.title, "by": where.by}, "team_id": team.id}
    payload["lang"] = team.language
    if only_here:
        payload[NO_FALLBACK] = True
    key = agenda.key_alert_chat(team.id or 0, where.chat_id, chat, now)
    return agenda.Entry("team_notice", key, chat, now, payload=payload)


async def point_alerts(session: AsyncSession, team: Team, where: Where, *, user_id: int, now: datetime) -> None:
    """Make `where` the team's alert chat (in the caller's transaction): waiting messages follow, the old
    group and every member are told, and the change is audited."""
    old = team.alert_chat_id
    if old is not None:
        await repoint(session, old=old, new=where.chat_id)
        await agenda.enqueue(session, [notice(team, old, "team_chat_notice_old", where, now, only_here=True)], now=now)
    team.alert_chat_id = where.chat_id
    session.add(team)
    await session.flush()
    for chat in (where.chat_id, *([old] if old is not None else [])):  # the team's commands move with the alerts
        await menus.plan(session, chat, now=now)
    people = await members(session, team.id or 0)
    await agenda.enqueue(session, [notice(team, p, "team_chat_notice_members", where, now) for p in people], now=now)
    detail = {"chat_id": where.chat_id, "from": old}
    audit.record(
        session, at=now, actor=f"tg:{user_id}", action="team.alert_chat", subject=f"team:{team.id}", detail=detail
    )


async def confirm_move(
    sessions: Sessions, *, user_id: int, team_id: int, where: Where, confirm: bool, now: datetime
) -> MoveResult:
    """The Move / Cancel press under "move the alerts here?"."""
    async with sessions() as session:
        team = await session.get(Team, team_id)
        member = team is not None and await teams.is_member(session, user_id=user_id, team_id=team_id)
        current = await teams.team_of_chat(session, where.chat_id)
        if team is None or not member or (current is not None and current.id != team_id):
            reason = "taken" if member and current is not None else "not_a_member" if team is not None else "not_found"
            if reason == "not_a_member" and await teams.was_removed(session, user_id=user_id, team_id=team_id):
                reason = "removed"
            subject = f"chat:{where.chat_id}"
            await session.rollback()
            await teams.refuse(
                sessions, user_id=user_id, action="team.alert_chat", now=now, subject=subject, reason=reason
            )
            return MoveResult("taken" if reason == "taken" else "refused")
        if current is not None:
            return MoveResult("already", team.name)
        if not confirm:
            return MoveResult("cancelled", team.name)
        await point_alerts(session, team, where, user_id=user_id, now=now)
        await session.commit()
        return MoveResult("moved", team.name)
