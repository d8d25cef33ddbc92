"""Who may act on a care team's patients, from which chat; refusals audited (who, what, when, why).

An active member may act in their private chat (on every team they belong to) or in a team's alert
group (on that team only, so one team's patients never show in another team's group).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import teams
from storage import audit
from storage.models import Patient, Team


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


async def refuse(
    session: AsyncSession, caller: Caller, *, action: str, now: datetime, subject: str | None = None, reason: str
) -> None:
    """A refused team action: an audit row (who, what, when, why), in the caller's own transaction."""
    detail = {"reason": reason, "chat": "private" if caller.private else "group"}
    audit.record(session, at=now, actor=caller.actor, action=action, subject=subject, outcome="refused", detail=detail)
    await session.commit()


async def find(
    session: AsyncSession, caller: Caller, alias: str, *, action: str, now: datetime
) -> tuple[Patient, Team] | str:
    """The patient with this alias that the caller may act on, or why not (refused and audited)."""
    team_ids = await scope(session, caller)
    found = (
        (
            await session.exec(
                select(Patient, Team).join(Team).where(col(Patient.team_id).in_(team_ids), Patient.alias == alias)
            )
        ).all()
        if team_ids
        else []
    )
    if len(found) == 1 and found[0][0].status == "erased":  # a stub: nothing to see, nothing to change
        await refuse(session, caller, action=action, now=now, subject=f"patient:{found[0][0].id}", reason="erased")
        return "erased"
    if len(found) == 1:
        return found[0]
    reason = "not_a_member" if not team_ids else "not_found" if not found else "ambiguous"
    await refuse(session, caller, action=action, now=now, reason=reason)  # never the typed alias (docs/data.md)
    return reason
