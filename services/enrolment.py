"""Teams, join links and patient invites (the checks on an alias, a zone: enrol_checks.py). No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from care.regimens import Regimen, RegimenError
from schedules.dosetimes import DoseTimeError, validate_day_fits
from storage import audit
from storage.engine import Sessions
from storage.models import Invite, Patient, Team
from storage.queries import teams as teams_q
from storage.tokens import new_token, token_hash

from .enrol_checks import START_MAX_PAST, alias_taken, check_timezone, valid_alias
from .errors import UserError


@dataclass(frozen=True)
class LinkIssued:
    team_id: int
    team: str
    token: str
    expires_at: datetime
    patient_id: int | None = None


async def create_team(
    sessions: Sessions, *, name: str, timezone: str, digest_time: time, now: datetime, ttl: timedelta
) -> LinkIssued:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 120:
        raise UserError("err_team_name")
    check_timezone(timezone)
    async with sessions() as session:
        if await teams_q.by_name(session, name=name):
            raise UserError("err_team_exists", name=name)
        team = Team(name=name, timezone=timezone, digest_time=digest_time.strftime("%H:%M"), created_at=now)
        session.add(team)
        await session.flush()
        assert team.id is not None
        token = _join_invite(session, team_id=team.id, now=now, ttl=ttl)
        audit.record(session, at=now, actor="cli", action="team.create", subject=f"team:{team.id}")
        await session.commit()
        return LinkIssued(team.id, team.name, token, now + ttl)


def _join_invite(session: AsyncSession, *, team_id: int, now: datetime, ttl: timedelta) -> str:
    """A one-time link for a clinician to join the team; only the token's hash is stored."""
    token = new_token()
    session.add(
        Invite(
            kind="member",
            token_hash=token_hash(token),
            team_id=team_id,
            created_by="cli",
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token


async def team_by_name(sessions: Sessions, name: str) -> Team:
    async with sessions() as session:
        team = await teams_q.by_name(session, name=" ".join(name.split()))
    if team is None:
        raise UserError("err_team_unknown", name=name)
    return team


async def new_join_link(sessions: Sessions, *, team_name: str, now: datetime, ttl: timedelta) -> LinkIssued:
    team = await team_by_name(sessions, team_name)
    assert team.id is not None
    async with sessions() as session:
        token = _join_invite(session, team_id=team.id, now=now, ttl=ttl)
        audit.record(session, at=now, actor="cli", action="team.join_link", subject=f"team:{team.id}")
        await session.commit()
    return LinkIssued(team.id, team.name, token, now + ttl)


@dataclass(frozen=True)
class PatientRequest:
    team: str
    alias: str
    regimen: Regimen
    start: date
    timezone: str
    reminder_time: time
    clinician_user_id: int | None = None


async def invite_patient(sessions: Sessions, *, request: PatientRequest, now: datetime, ttl: timedelta) -> LinkIssued:
    """A new patient (status invited) and a one-time consent link. Changes nothing on any error."""
    if not valid_alias(request.alias):
        raise UserError("err_alias")
    check_timezone(request.timezone)
    if request.start < (now - START_MAX_PAST).date():
        raise UserError("err_start_past", value=request.start.isoformat())
    try:
        validate_day_fits(request.regimen, request.reminder_time)
    except (DoseTimeError, RegimenError) as exc:
        raise UserError("err_day_fit", message=str(exc)) from exc
    team = await team_by_name(sessions, request.team)
    assert team.id is not None
    async with sessions() as session:
        members = await teams_q.active_members(session, team_id=team.id)
        if request.clinician_user_id is not None:
            if request.clinician_user_id not in {m.telegram_user_id for m in members}:
                raise UserError("err_not_member", user=request.clinician_user_id, team=team.name)
        elif not members:
            raise UserError("err_no_members", team=team.name)
        if await alias_taken(session, team_id=team.id, alias=request.alias):
            raise UserError("err_alias_taken", alias=request.alias)
        actor = f"tg:{request.clinician_user_id}" if request.clinician_user_id else "cli"
        patient = Patient(
            team_id=team.id,
            alias=request.alias,
            timezone=request.timezone,
            reminder_time=request.reminder_time.strftime("%H:%M"),
            regimen_code=request.regimen.code,
            regimen=request.regimen.to_dict(),
            therapy_start=request.start,
            created_at=now,
        )
        session.add(patient)
        await session.flush()
        assert patient.id is not None
        token = new_token()
        session.add(
            Invite(
                kind="patient",
                token_hash=token_hash(token),
                team_id=team.id,
                patient_id=patient.id,
                created_by=actor,
                created_at=now,
                expires_at=now + ttl,
            )
        )
        audit.record(session, at=now, actor=actor, action="patient.invite", subject=f"patient:{patient.id}")
        await session.commit()
        return LinkIssued(team.id, team.name, token, now + ttl, patient.id)
