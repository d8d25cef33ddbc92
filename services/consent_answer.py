"""The patient's answer to the consent question (I agree / No thanks under the consent text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.consent import first_dose
from services.questionnaire_outcomes import start_baseline
from storage import audit
from storage.engine import Sessions
from storage.models import Invite, Patient
from storage.queries import patients as patients_q
from storage.status import ENROLLED


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
        earlier = await patients_q.by_chat(session, chat_id=chat_id)
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
