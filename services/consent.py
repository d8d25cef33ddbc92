"""Opening a one-time link (/start <token>) and answering the consent question."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from care.regimens import Regimen
from schedules.dosetimes import dose_slots, parse_reminder_time, parse_timezone
from services import helper_consent, link_guard, members, menus
from services.questionnaire_outcomes import start_baseline
from storage import audit
from storage.engine import Sessions
from storage.models import Invite, Patient, Team, TeamMember
from storage.status import ENROLLED
from storage.tokens import looks_like_token, token_hash

FIRST_DOSE_LOOKAHEAD = timedelta(days=100)


@dataclass(frozen=True)
class LinkResult:
    kind: str  # unknown expired used other_chat already_enrolled member_joined member_already consent
    team: str = ""
    invite_id: int | None = None
    alias: str = ""
    regimen_title: str = ""
    language: str | None = None  # the patient's language; None: ask before the consent text
    regimen: dict[str, Any] = field(default_factory=dict)


def first_dose(patient: Patient, after: datetime) -> datetime | None:
    slots = dose_slots(
        Regimen.from_dict(patient.regimen),
        start=patient.therapy_start,
        zone=parse_timezone(patient.timezone),
        reminder_time=parse_reminder_time(patient.reminder_time),
        window_start=after,
        window_end=after + FIRST_DOSE_LOOKAHEAD,
    )
    return slots[0].due_at if slots else None


async def open_link(
    sessions: Sessions,
    *,
    chat_id: int,
    user_id: int,
    now: datetime,
    token: str | None = None,
    digest: str | None = None,
    language: str | None = None,
    username: str | None = None,
) -> LinkResult:
    """The link's `token`, or its sha256 `digest` (the inbox stores `/start` with the hash, never the token).
    `language`: the patient's Telegram language when the bot speaks it (stored), else None (asked).
    `username`: the opener's Telegram @username, kept for a joining clinician (operators name members by it)."""
    if digest is None and token is not None and looks_like_token(token):
        digest = token_hash(token)
    async with sessions() as session:
        invite = None
        limited = await link_guard.limited(session, actor=f"tg:{user_id}", now=now)  # guessing tokens
        if digest is not None and not limited:
            invite = (await session.exec(select(Invite).where(col(Invite.token_hash) == digest))).first()
        refusal = "rate_limited" if limited else _refusal(invite, chat_id, now)
        if invite is not None and invite.kind == "patient" and refusal is None:
            enrolled = (
                await session.exec(
                    select(col(Patient.id)).where(col(Patient.chat_id) == chat_id, col(Patient.status).in_(ENROLLED))
                )
            ).first()
            refusal = "already_enrolled" if enrolled is not None else None
        if refusal is not None or invite is None:
            audit.record(
                session,
                at=now,
                actor=f"tg:{user_id}",
                action="link.open",
                outcome="refused",
                detail={"reason": refusal or "unknown"},
            )
            await session.commit()
            return LinkResult(refusal or "unknown")
        team = await session.get(Team, invite.team_id)
        assert team is not None
        if invite.kind == "member":
            return await _join(session, invite, team, user_id, now, username)
        if invite.kind == "helper":  # a patient's family helper (issue 14): services/helper_consent.py
            kind, lang = await helper_consent.opened(
                session, invite, chat_id=chat_id, user_id=user_id, now=now, language=language
            )
            return LinkResult(kind, team.name, invite.id, language=lang)
        patient = await session.get(Patient, invite.patient_id)
        assert patient is not None
        invite.opened_chat_id = chat_id
        if language is not None:
            patient.language = language
        # the chat is kept on the invite (erasure clears it), never in the append-only audit trail
        audit.record(session, at=now, actor="patient", action="link.open", subject=f"patient:{patient.id}")
        result = await consent_details(session, invite, patient)
        await session.commit()
        return result if language is not None else replace(result, language=None)


async def consent_details(session: AsyncSession, invite: Invite, patient: Patient) -> LinkResult:
    """What the consent text shows, in the patient's stored language."""
    team = await session.get(Team, invite.team_id)
    title = str(patient.regimen.get("title", patient.regimen_code))
    name = team.name if team is not None else ""
    return LinkResult("consent", name, invite.id, patient.alias, title, patient.language, dict(patient.regimen))


def _refusal(invite: Invite | None, chat_id: int, now: datetime) -> str | None:
    if invite is None:
        return "unknown"
    if invite.used_at is not None:
        return "used"
    if invite.expires_at <= now:
        return "expired"
    if invite.kind == "patient" and invite.opened_chat_id not in (None, chat_id):
        return "other_chat"
    return None


async def _join(
    session: AsyncSession, invite: Invite, team: Team, user_id: int, now: datetime, username: str | None = None
) -> LinkResult:
    member = (
        await session.exec(
            select(TeamMember).where(col(TeamMember.team_id) == team.id, col(TeamMember.telegram_user_id) == user_id)
        )
    ).first()
    if member is not None and member.active:
        name = team.name  # read before the rollback expires it (reading it after raised MissingGreenlet)
        await session.rollback()
        return LinkResult("member_already", name)
    assert team.id is not None
    role = await members.join_role(session, team.id)  # the team's first (active) member is its admin
    if member is None:
        session.add(TeamMember(team_id=team.id, telegram_user_id=user_id, joined_at=now, role=role, username=username))
    else:
        member.active, member.role, member.username = True, role, username
    invite.used_at, invite.outcome, invite.opened_chat_id = now, "joined", user_id
    audit.record(session, at=now, actor=f"tg:{user_id}", action="team.join", subject=f"team:{team.id}")
    await menus.plan(session, user_id, now=now)  # the team's commands in the member's menu
    await session.commit()
    return LinkResult("member_joined", team.name)


@dataclass(frozen=True)
class ConsentResult:
    kind: str  # consented declined gone not_yours already_enrolled
    first_dose: datetime | None = None
    timezone: str = "UTC"
    language: str = "en"


async def answer_consent(
    sessions: Sessions, *, invite_id: int, chat_id: int, agree: bool, now: datetime
) -> ConsentResult:
    async with sessions() as session:
        invite = await session.get(Invite, invite_id)
        if invite is None or invite.kind != "patient" or invite.patient_id is None:
            return ConsentResult("gone")
        patient = await session.get(Patient, invite.patient_id)
        assert patient is not None
        if invite.used_at is not None:
            if invite.outcome == "consented" and patient.chat_id == chat_id:  # a replayed press
                return ConsentResult("consented", first_dose(patient, now), patient.timezone, patient.language)
            return ConsentResult("gone", language=patient.language)
        if invite.opened_chat_id != chat_id:
            audit.record(
                session,
                at=now,
                actor=f"chat:{chat_id}",
                action="consent",
                outcome="refused",
                subject=f"patient:{patient.id}",
                detail={"reason": "not_yours"},
            )
            await session.commit()
            return ConsentResult("not_yours", language=patient.language)
        if invite.expires_at <= now:
            return ConsentResult("gone", language=patient.language)
        earlier = (await session.exec(select(Patient).where(col(Patient.chat_id) == chat_id))).first()
        if agree and earlier is not None and earlier.status in ENROLLED:
            return ConsentResult("already_enrolled", language=patient.language)
        if agree and earlier is not None:  # re-enrolment after /stop: the old record stays, unlinked
            earlier.chat_id = None
            audit.record(session, at=now, actor="patient", action="patient.unlink", subject=f"patient:{earlier.id}")
            await session.flush()
        invite.used_at = now
        if not agree:
            invite.outcome, invite.opened_chat_id, patient.status = "declined", None, "declined"
            audit.record(session, at=now, actor="patient", action="consent.decline", subject=f"patient:{patient.id}")
            await session.commit()
            return ConsentResult("declined", language=patient.language)
        invite.outcome = "consented"
        patient.chat_id, patient.status, patient.consented_at, patient.planned_until = chat_id, "active", now, now
        await start_baseline(session, patient=patient, now=now)
        audit.record(session, at=now, actor="patient", action="consent.agree", subject=f"patient:{patient.id}")
        await session.commit()
        return ConsentResult("consented", first_dose(patient, now), patient.timezone, patient.language)
