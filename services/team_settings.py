"""A care team's own settings: the language of its messages (`/team_language`) and what an empty daily
digest does (`/team_digest`): from Telegram (an active member, in the team's group or, with one team, in
their private chat) or from the CLI (`b12bot team settings`). Every change is an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.texts import languages, supported
from services import menus, teams
from services.enrolment import team_by_name
from services.errors import UserError
from services.team_access import Caller, refusal_reason, refuse
from storage import audit
from storage.engine import Sessions
from storage.models import Team

EMPTY_DIGEST = ("short", "quiet")
FIELDS = {"language": "team.language", "empty_digest": "team.empty_digest"}
ERRORS = {"language": "err_team_language", "empty_digest": "err_team_empty_digest"}


@dataclass(frozen=True)
class Setting:
    outcome: str  # shown changed unchanged invalid choose refused group_unset
    team: str = ""
    value: str = ""
    language: str = "en"  # the team's language after the change (what the answer is written in)
    teams: tuple[str, ...] = ()


def valid(field: str, value: str) -> str | None:
    """The stored form of a typed value ("ES" -> "es", "Quiet" -> "quiet"), or None."""
    if field == "language":
        return supported(value)
    wanted = value.strip().lower()
    return wanted if wanted in EMPTY_DIGEST else None


async def _change(session: AsyncSession, team: Team, field: str, value: str, *, actor: str, now: datetime) -> bool:
    old = str(getattr(team, field))
    if old == value:
        return False
    setattr(team, field, value)
    session.add(team)
    detail = {"from": old, "to": value}
    audit.record(session, at=now, actor=actor, action=FIELDS[field], subject=f"team:{team.id}", detail=detail)
    if field == "language":  # the team's menus are written in its language
        for chat in [team.alert_chat_id, *await teams.member_ids(session, team.id or 0)]:
            if chat is not None:
                await menus.plan(session, chat, now=now)
    return True


async def change(sessions: Sessions, caller: Caller, field: str, value: str | None, *, now: datetime) -> Setting:
    """Show (value None) or change one setting of the caller's team in this chat."""
    async with sessions() as session:
        if caller.private:
            mine = await teams.memberships(session, caller.user_id)
            team = await session.get(Team, mine[0].team_id) if len(mine) == 1 else None
            if len(mine) > 1:
                return Setting("choose", teams=tuple(m.team for m in mine), language=mine[0].language)
        else:
            team = await teams.team_of_chat(session, caller.chat_id)
            if team is not None and not await teams.is_member(session, user_id=caller.user_id, team_id=team.id or 0):
                team = None
        if team is None:
            reason = await refusal_reason(session, caller, None)
            await refuse(session, caller, action=FIELDS[field], now=now, reason=reason)
            return Setting("group_unset" if reason == "group_unset" else "refused")
        current = str(getattr(team, field))
        if value is None:
            return Setting("shown", team.name, current, team.language)
        wanted = valid(field, value)
        if wanted is None:
            return Setting("invalid", team.name, value[:20], team.language)
        changed = await _change(session, team, field, wanted, actor=caller.actor, now=now)
        await session.commit()
        return Setting("changed" if changed else "unchanged", team.name, wanted, team.language)


async def change_by_name(
    sessions: Sessions, *, team_name: str, language: str | None, empty_digest: str | None, now: datetime
) -> dict[str, object]:
    """`b12bot team settings`: change the given settings (audited, actor `cli`); returns them all."""
    found = await team_by_name(sessions, team_name)
    async with sessions() as session:
        team = await session.get(Team, found.id)
        assert team is not None
        for field, value in (("language", language), ("empty_digest", empty_digest)):
            if value is None:
                continue
            wanted = valid(field, value)
            if wanted is None:
                choices = ", ".join(languages() if field == "language" else EMPTY_DIGEST)
                raise UserError(ERRORS[field], value=value, choices=choices)
            await _change(session, team, field, wanted, actor="cli", now=now)
        await session.commit()
        return {"team": team.name, "language": team.language, "empty_digest": team.empty_digest}
