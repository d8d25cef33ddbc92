"""The /time and /timezone dialogue's row (kind "settings"): found, replaced, claimed; the patient's view."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.settings_change import Outcome
from storage.engine import Sessions
from storage.models import Dialogue, Patient
from storage.queries import dialogues as dialogues_q
from storage.queries import patients as patients_q
from storage.status import ENROLLED

KIND = "settings"
IDLE = timedelta(minutes=30)


async def patient_of(session: AsyncSession, chat_id: int) -> Patient | None:
    return await patients_q.by_chat(session, chat_id=chat_id)


def view_of(kind: str, patient: Patient | None) -> Outcome:
    if patient is None:
        return Outcome("not_enrolled")
    if patient.status not in ENROLLED and kind != "expired":
        kind = patient.status if patient.status in ("stopped", "discharged") else "not_enrolled"
    paused = patient.status == "paused"
    return Outcome(kind, patient.language, patient.timezone, patient.reminder_time, paused=paused)


async def find(session: AsyncSession, chat_id: int, user_id: int) -> Dialogue | None:
    return await dialogues_q.find(session, chat_id=chat_id, user_id=user_id, kind=KIND)


async def put(sessions: Sessions, chat_id: int, user_id: int, step: str | None, data: Any, now: datetime) -> None:
    """Replace this chat's dialogue with `step` (None: end it)."""
    async with sessions() as session:
        await dialogues_q.drop(session, chat_id=chat_id, user_id=user_id)
        if step is not None:
            session.add(Dialogue(chat_id=chat_id, user_id=user_id, kind=KIND, step=step, data=data, updated_at=now))
        await session.commit()


def pending(view: Outcome, data: dict[str, Any]) -> Outcome:
    """The confirmation still open, shown again."""
    return Outcome(
        "confirm",
        view.language,
        data.get("zone") or view.timezone,
        data.get("time") or view.reminder_time,
        transition=datetime.fromisoformat(data["transition"]),
        previous=datetime.fromisoformat(data["previous"]) if data.get("previous") else None,
        what=data.get("what") or "time",
    )


async def claim(sessions: Sessions, dialogue: Dialogue) -> bool:
    async with sessions() as session:
        claimed = await dialogues_q.claim(session, dialogue_id=dialogue.id, step="confirm")
        await session.commit()
    return claimed
