"""Who may act on a care team's patients, from which chat; refusals audited (who, what, when, why).

An active member may act in their private chat (on every team they belong to) or in a team's alert
group (on that team only, so one team's patients never show in another team's group).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services import teams
from storage import audit
from storage.models import Patient, Team
from storage.queries import patients as patients_q


@dataclass(frozen=True)
class Caller:
    user_id: int
    chat_id: int
    private: bool

    @property
    def actor(self) -> str:
        return f"tg:{self.user_id}"


async def scope(session: AsyncSession, caller: Caller) -> list[int]:
    """The team ids whose patients this caller may see in this chat (empty: none)."""
    if caller.private:
        return [m.team_id for m in await teams.memberships(session, caller.user_id)]
    team = await teams.team_of_chat(session, caller.chat_id)
    if team is None or team.id is None or not await teams.is_member(session, user_id=caller.user_id, team_id=team.id):
        return []
    return [team.id]


async def scope_or_refuse(session: AsyncSession, caller: Caller, *, action: str, now: datetime) -> list[int] | str:
    """The team ids in scope (as `scope`), or, when there are none, why not: refused and audited."""
    team_ids = await scope(session, caller)
    if team_ids:
        return team_ids
    reason = await refusal_reason(session, caller, None)
    await refuse(session, caller, action=action, now=now, reason=reason)
    return reason


async def refusal_reason(session: AsyncSession, caller: Caller, team_id: int | None) -> str:
    """Why this caller may not act on `team_id` (None: the team of this group, if any) here: the wrong
    chat (a member of that team in another chat), a group that is no team's yet, a removed member, or
    not a member."""
    if team_id is None and not caller.private:
        group_team = await teams.team_of_chat(session, caller.chat_id)
        team_id = group_team.id if group_team is not None else None
        if group_team is None and await teams.memberships(session, caller.user_id):
            return "group_unset"  # a member, in a group that is no team's alert chat yet: /team_chat first
    if team_id is not None and await teams.is_member(session, user_id=caller.user_id, team_id=team_id):
        return "other_chat"  # a member of that team, but in another team's group (or a group of no team)
    if await teams.was_removed(session, user_id=caller.user_id, team_id=team_id):
        return "removed"
    return "not_a_member"


async def refuse(
    session: AsyncSession, caller: Caller, *, action: str, now: datetime, subject: str | None = None, reason: str
) -> None:
    """A refused team action: an audit row (who, what, when, why), in the caller's own transaction."""
    if reason == "not_a_member" and await teams.was_removed(session, user_id=caller.user_id, team_id=None):
        reason = "removed"  # a member no longer: their next command or press is refused as such
    detail = {"reason": reason, "chat": "private" if caller.private else "group"}
    audit.record(session, at=now, actor=caller.actor, action=action, subject=subject, outcome="refused", detail=detail)
    await session.commit()


async def find(
    session: AsyncSession, caller: Caller, alias: str, *, action: str, now: datetime
) -> tuple[Patient, Team] | str:
    """The patient with this alias that the caller may act on, or why not (refused and audited)."""
    team_ids = await scope(session, caller)
    found = await patients_q.by_alias(session, alias=alias, team_ids=team_ids) if team_ids else []
    if len(found) == 1 and found[0][0].status == "erased":  # a stub: nothing to see, nothing to change
        await refuse(session, caller, action=action, now=now, subject=f"patient:{found[0][0].id}", reason="erased")
        return "erased"
    if len(found) == 1:
        return found[0]
    reason = "not_found" if not found else "ambiguous"
    if not team_ids:
        reason = await refusal_reason(session, caller, None)
    await refuse(session, caller, action=action, now=now, reason=reason)  # never the typed alias (docs/data.md)
    return reason
