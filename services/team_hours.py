"""A care team's reading hours (team.hours, care/hours.py): shown to patients with every red-flag advice and
used by escalation. Set by a member (`/team_hours`, in the team's group or privately) or the operator
(`b12bot team hours`). "off" clears them; a bad text changes nothing. Every change is an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from care.hours import HoursError, parse_hours
from services.enrolment import team_by_name
from services.errors import UserError
from services.team_access import Caller, scope_or_refuse
from storage import audit
from storage.engine import Sessions
from storage.models import Team

OFF = "off"


@dataclass(frozen=True)
class HoursResult:
    outcome: str  # shown set cleared invalid refused several
    team: str = ""
    hours: str | None = None  # the hours now (canonical text), None when not set
    timezone: str = "UTC"
    error: str = ""  # invalid: what is wrong, from care.hours
    teams: tuple[str, ...] = ()  # several: the caller's teams


async def _change(session: AsyncSession, team: Team, text: str, *, actor: str, now: datetime) -> HoursResult:
    """Set or clear (text "off") the team's hours in this session, audited; invalid text changes nothing."""
    if text.strip().lower() == OFF:
        hours = None
    else:
        try:
            hours = parse_hours(text).text()
        except HoursError as exc:
            return HoursResult("invalid", team.name, team.hours, team.timezone, error=str(exc))
    before, team.hours = team.hours, hours
    session.add(team)
    detail = {"before": before, "after": hours}
    audit.record(session, at=now, actor=actor, action="team.hours", subject=f"team:{team.id}", detail=detail)
    return HoursResult("set" if hours else "cleared", team.name, hours, team.timezone)


async def for_member(sessions: Sessions, caller: Caller, text: str, *, now: datetime) -> HoursResult:
    """/team_hours [hours|off] from a member: the team of this group, or the member's one team privately."""
    async with sessions() as session:
        team_ids = await scope_or_refuse(session, caller, action="team.hours", now=now)
        if isinstance(team_ids, str):
            return HoursResult("refused")
        teams = [t for t in [await session.get(Team, i) for i in team_ids] if t is not None]
        if len(teams) > 1:
            return HoursResult("several", teams=tuple(sorted(t.name for t in teams)))
        team = teams[0]
        if not text.strip():
            return HoursResult("shown", team.name, team.hours, team.timezone)
        result = await _change(session, team, text, actor=caller.actor, now=now)
        await session.commit()
        return result


async def for_operator(sessions: Sessions, *, team_name: str, text: str | None, now: datetime) -> dict[str, object]:
    """`b12bot team hours --team T [HOURS|off]`: the hours after the change (or as they are)."""
    team = await team_by_name(sessions, team_name)
    async with sessions() as session:
        row = await session.get(Team, team.id)
        assert row is not None
        if text is None:
            return {"team": row.name, "hours": row.hours, "timezone": row.timezone}
        result = await _change(session, row, text, actor="cli", now=now)
        if result.outcome == "invalid":
            raise UserError("err_hours", error=result.error)
        await session.commit()
        return {"team": row.name, "hours": result.hours, "timezone": row.timezone}
