"""The red-flag screen outside the weekly questions: /symptoms, "Report a symptom" (under /help and every
reminder) and red-flag words in free text. No Telegram here.

State is a `dialogue` row (kind "symptoms", step "list" or "pick", data: the patient, the screen's items,
the symptoms marked so far and a nonce that the buttons carry), so a restart mid-screen loses nothing and
an old screen's buttons are refused. Its user_id is 0 (SCREEN_USER): the screen belongs to the private chat
and lives beside any other dialogue of it (a /time question stays open; red-flag words do not end it).
"None of these" and Done close it; Done raises one urgent red flag per
symptom (care.flags, episode `symptoms:<UTC instant>:<item>`), the same flags and alerts as the weekly
questions. Every step is audited with ids and counts only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.instruments import red_flag_items
from care.protocol import Protocol
from schedules import flagging
from services.questionnaire_views import uses_injections
from services.red_flag_advice import AdviceFacts, advice_facts
from services.symptom_codes import apply_code
from storage import audit
from storage.engine import Sessions
from storage.models import Dialogue, Patient
from storage.queries import dialogues as dialogues_q
from storage.queries import patients as patients_q
from storage.status import ENROLLED

KIND = "symptoms"
SCREEN_USER = 0  # the dialogue row's user_id: one screen per chat, beside the chat's other dialogue
OPEN_TO = ENROLLED  # active or paused


@dataclass(frozen=True)
class Screen:
    """outcome: shown, switched (list <-> pick), toggled, nothing, reported, cancelled; refused: not_patient,
    stale (an old or unknown screen), not_yours, invalid."""

    outcome: str
    language: str = "en"
    dialogue_id: int = 0
    nonce: str = ""
    symptoms: tuple[str, ...] = ()
    picking: bool = False
    selected: tuple[str, ...] = ()
    advice: AdviceFacts | None = None


def _screen(outcome: str, patient: Patient, row: Dialogue, **extra: Any) -> Screen:
    data = row.data
    return Screen(
        outcome,
        patient.language,
        row.id or 0,
        str(data["nonce"]),
        tuple(data["symptoms"]),
        row.step == "pick",
        tuple(data.get("selected", ())),
        **extra,
    )


async def open_screen(sessions: Sessions, *, chat_id: int, now: datetime, via: str) -> Screen:
    """A new screen for the patient of this private chat (an older screen of the chat is closed).
    `via`: command, button or words (audited)."""
    async with sessions() as session:
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        if patient is None or patient.status not in OPEN_TO:
            return Screen("not_patient", patient.language if patient is not None else "en")
        await dialogues_q.drop(session, chat_id=chat_id, user_id=SCREEN_USER)
        symptoms = [i.key for i in red_flag_items(injections=uses_injections(patient.regimen))]
        data = {"patient_id": patient.id, "symptoms": symptoms, "selected": [], "nonce": secrets.token_hex(3)}
        row = Dialogue(chat_id=chat_id, user_id=SCREEN_USER, kind=KIND, step="list", data=data, updated_at=now)
        session.add(row)
        subject = f"patient:{patient.id}"
        audit.record(
            session, at=now, actor=f"chat:{chat_id}", action="symptoms.open", subject=subject, detail={"via": via}
        )
        await session.commit()
        return _screen("shown", patient, row)


async def press(
    sessions: Sessions, *, chat_id: int, dialogue_id: int, nonce: str, code: str, now: datetime, protocol: Protocol
) -> Screen:
    """A press on a /symptoms screen: checked against the presser's own open screen, then applied."""
    async with sessions() as session:
        row = await session.get(Dialogue, dialogue_id)
        patient = await patients_q.by_chat(session, chat_id=chat_id)
        if row is None or row.kind != KIND or row.user_id != SCREEN_USER or row.data.get("nonce") != nonce:
            return await _refuse(session, chat_id, dialogue_id, "stale", now, patient)
        if row.chat_id != chat_id or patient is None or row.data.get("patient_id") != patient.id:
            return await _refuse(session, chat_id, dialogue_id, "not_yours", now, patient)
        if patient.status not in OPEN_TO:
            await session.delete(row)
            return await _refuse(session, chat_id, dialogue_id, "stale", now, patient)
        outcome = apply_code(row, code)
        if outcome == "invalid":
            return await _refuse(session, chat_id, dialogue_id, "invalid", now, patient)
        row.updated_at = now
        subject = f"patient:{patient.id}"
        if outcome in ("switched", "toggled"):
            session.add(row)
            await session.commit()
            return _screen(outcome, patient, row)
        chosen = tuple(row.data["selected"]) if outcome == "reported" else ()
        shown = _screen(outcome, patient, row)
        await session.delete(row)
        advice = None
        if chosen:
            await flagging.on_red_flags(
                session, patient=patient, report="", items=chosen, now=now, symptoms_at=now.isoformat()
            )
            advice = await advice_facts(session, patient, chosen, protocol)
        detail: dict[str, Any] = {"symptoms": len(chosen)}
        audit.record(
            session, at=now, actor=f"chat:{chat_id}", action=f"symptoms.{outcome}", subject=subject, detail=detail
        )
        await session.commit()
        return Screen(outcome, shown.language, shown.dialogue_id, shown.nonce, shown.symptoms, advice=advice)


async def _refuse(
    session: AsyncSession, chat_id: int, dialogue_id: int, reason: str, now: datetime, patient: Patient | None
) -> Screen:
    audit.record(
        session,
        at=now,
        actor=f"chat:{chat_id}",
        action="symptoms.press",
        outcome="refused",
        subject=f"dialogue:{dialogue_id}",
        detail={"reason": reason},
    )
    await session.commit()
    return Screen(reason, patient.language if patient is not None else "en")
