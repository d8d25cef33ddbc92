"""A patient's language: chosen before consent when Telegram's setting is not one we speak, changed with /language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.texts import languages, supported
from services.consent import LinkResult, consent_details
from storage import audit
from storage.engine import Sessions
from storage.models import Invite, Patient
from storage.queries import invites as invites_q
from storage.queries import patients as patients_q


@dataclass(frozen=True)
class LanguageResult:
    outcome: str  # changed unchanged unknown not_enrolled
    language: str = "en"  # the language to answer in


def pick(code: str | None, fallback: str = "en") -> str:
    """The language to speak: `code` (a Telegram language_code such as "es-MX") when supported, else `fallback`."""
    return supported(code) or fallback


async def of_chat(sessions: Sessions, chat_id: int, telegram_code: str | None) -> str:
    """The language for a private chat: the patient's own, else Telegram's setting when we speak it, else English."""
    async with sessions() as session:
        stored = await patients_q.language_by_chat(session, chat_id=chat_id)
    return stored if stored in languages() else pick(telegram_code)


async def set_language(
    sessions: Sessions, *, chat_id: int, code: str, telegram_code: str | None, now: datetime
) -> LanguageResult:
    async with sessions() as session:
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        current = patient.language if patient is not None else pick(telegram_code)
        wanted = supported(code)
        if wanted is None:
            return LanguageResult("unknown", current)
        if patient is None:
            return LanguageResult("not_enrolled", wanted)
        if patient.language == wanted:
            return LanguageResult("unchanged", wanted)
        _switch(session, patient, wanted, now, {"from": patient.language, "to": wanted})
        await session.commit()
        return LanguageResult("changed", wanted)


def _switch(session: AsyncSession, patient: Patient, lang: str, now: datetime, detail: dict[str, str]) -> None:
    """Set the patient's language and audit the change (ids and language codes only)."""
    patient.language = lang
    audit.record(
        session, at=now, actor="patient", action="patient.language", subject=f"patient:{patient.id}", detail=detail
    )


async def open_invite(sessions: Sessions, *, chat_id: int, now: datetime) -> int | None:
    """The patient invite this chat opened and has not answered yet (before consent), if any."""
    async with sessions() as session:
        return await invites_q.open_patient_invite(session, chat_id=chat_id, now=now)


async def choose_at_consent(
    sessions: Sessions, *, invite_id: int, chat_id: int, code: str, now: datetime
) -> LinkResult | None:
    """The language pressed before the consent text; None when the invite is not this chat's open one."""
    lang = supported(code)
    async with sessions() as session:
        invite = await session.get(Invite, invite_id)
        if (
            lang is None
            or invite is None
            or invite.kind != "patient"
            or invite.patient_id is None
            or invite.used_at is not None
            or invite.opened_chat_id != chat_id
            or invite.expires_at <= now
        ):
            audit.record(
                session,
                at=now,
                actor=f"chat:{chat_id}",
                action="patient.language",
                outcome="refused",
                detail={"reason": "stale_or_foreign", "invite": invite_id},
            )
            await session.commit()
            return None
        patient = await session.get(Patient, invite.patient_id)
        assert patient is not None
        _switch(session, patient, lang, now, {"to": lang, "at": "consent"})
        result = await consent_details(session, invite, patient)
        await session.commit()
        return result
