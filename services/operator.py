"""What the operator's command line reads and changes about teams, members, patients and invites.

Plain data in and out (no Telegram). Patients are listed by alias, never with a Telegram id. Every change
is an audit row with actor "cli".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services import members
from services.enrolment import team_by_name
from services.errors import UserError
from storage import audit
from storage.engine import Sessions
from storage.models import Team, TeamMember
from storage.queries import invites as invites_q
from storage.queries import patients as patients_q
from storage.queries import teams as teams_q


async def team_list(sessions: Sessions) -> list[dict[str, Any]]:
    async with sessions() as session:
        teams = await teams_q.all_by_name(session)
        people = await teams_q.active_member_counts(session)
        enrolled = await patients_q.enrolled_counts(session)
    return [
        {
            "team": team.name,
            "timezone": team.timezone,
            "digest_time": team.digest_time,
            "members": people.get(team.id or 0, 0),
            "patients_enrolled": enrolled.get(team.id or 0, 0),
            "alert_group": team.alert_chat_id is not None,
        }
        for team in teams
    ]


def _member_row(m: members.MemberLine) -> dict[str, Any]:
    return {
        "telegram_user_id": m.user_id,
        "username": m.username,
        "role": m.role,
        "status": "active" if m.active else "removed",
        "joined_at": m.joined_at.isoformat(),
    }


async def _member(sessions: Sessions, team_name: str, spec: str) -> tuple[Team, TeamMember]:
    team = await team_by_name(sessions, team_name)
    who = members.parse_member(spec)
    if who is None:
        raise UserError("err_member_spec", value=spec)
    async with sessions() as session:
        found = await members.find(session, team.id or 0, who)
    if found is None:
        raise UserError("err_member_unknown", member=spec, team=team.name)
    return team, found


async def team_members(
    sessions: Sessions, *, team_name: str, admin: str | None = None, now: datetime
) -> list[dict[str, Any]]:
    """The team's members, removed ones too; with `admin`, first name that member the team's admin."""
    if admin is not None:
        team, member = await _member(sessions, team_name, admin)
        if not member.active:
            raise UserError("err_member_removed", member=admin, team=team.name)
        async with sessions() as session:
            session.add(member)
            await members.name_admin(session, member, actor="cli", now=now)
            await session.commit()
    team = await team_by_name(sessions, team_name)
    async with sessions() as session:
        return [_member_row(m) for m in await members.roster(session, team.id or 0, removed=True)]


async def remove_member(sessions: Sessions, *, team_name: str, spec: str, now: datetime) -> dict[str, Any]:
    team, member = await _member(sessions, team_name, spec)
    if not member.active:
        raise UserError("err_member_removed", member=spec, team=team.name)
    async with sessions() as session:
        session.add(member)
        await members.remove(session, member, team, actor="cli", now=now)
        await session.commit()
        left = await members.roster(session, team.id or 0)
    return {
        "team": team.name,
        "removed": members.line(member).name,
        "telegram_user_id": member.telegram_user_id,
        "members_left": len(left),
        "admins_left": sum(m.role == members.ADMIN for m in left),
    }


async def patient_list(sessions: Sessions, *, team_name: str) -> list[dict[str, Any]]:
    team = await team_by_name(sessions, team_name)
    async with sessions() as session:
        rows = await patients_q.of_team(session, team_id=team.id)
    return [
        {
            "alias": p.alias,
            "status": p.status,
            "regimen": p.regimen_code,
            "therapy_start": p.therapy_start.isoformat(),
            "timezone": p.timezone,
            "reminder_time": p.reminder_time,
            "consented": p.consented_at is not None,
        }
        for p in rows
    ]


async def invite_revoke(sessions: Sessions, *, alias: str, team_name: str | None, now: datetime) -> dict[str, Any]:
    """End a patient's open invite links at once; a patient who never consented is marked revoked."""
    async with sessions() as session:
        wanted = " ".join(team_name.split()) if team_name is not None else None
        found = await patients_q.by_alias(session, alias=alias, team_name=wanted)
        if not found:
            raise UserError("err_patient_unknown", alias=alias)
        if len(found) > 1:
            raise UserError("err_alias_ambiguous", alias=alias, teams=", ".join(sorted(t.name for _, t in found)))
        patient, team = found[0]
        invites = await invites_q.open_invites_of(session, patient_id=patient.id, now=now)
        if not invites:
            raise UserError("err_no_open_invite", alias=alias)
        for invite in invites:
            invite.expires_at, invite.outcome = now, "revoked"
            session.add(invite)
        if patient.status == "invited":
            patient.status = "revoked"
            session.add(patient)
        audit.record(session, at=now, actor="cli", action="invite.revoke", subject=f"patient:{patient.id}")
        await session.commit()
        return {"team": team.name, "patient": alias, "revoked": len(invites), "status": patient.status}
