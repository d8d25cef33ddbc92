"""Opening a one-time link (/start <token>): a patient's consent text, a member joining, a helper's link.

The patient's answer to the consent question: services/consent_answer.py."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.regimens import Regimen
from schedules.dosetimes import dose_slots, parse_reminder_time, parse_timezone
from services import helper_consent, link_guard, member_join
from storage import audit
from storage.engine import Sessions
from storage.models import Invite, Patient, Team
from storage.queries import invites as invites_q
from storage.queries import patients as patients_q
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
            invite = await invites_q.invite_by_hash(session, digest=digest)
        refusal = "rate_limited" if limited else _refusal(invite, chat_id, now)
        if invite is not None and invite.kind == "patient" and refusal is None:
            enrolled = await patients_q.enrolled_id_by_chat(session, chat_id=chat_id)
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
            name = team.name  # read before a rollback expires it (reading it after raised MissingGreenlet)
            return LinkResult(await member_join.join(session, invite, team, user_id, now, username), name)
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
