"""The details a patient may add to a dose answer: "Taken earlier, at ..." and why a dose was skipped.

No Telegram here. The choices of time are computed from `now` (rounded down to 5 minutes), in the window
care.protocol allows; the reason is stored on a skipped dose, and can be changed while it stays skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from care.protocol import Protocol
from storage import audit
from storage.engine import Sessions
from storage.models import DoseEvent, Patient
from storage.queries import doses as doses_q

SKIP_REASONS = ("forgot", "side_effects", "ran_out", "other")
EARLIER_MINUTES = (15, 30, 60, 120, 180)  # the "Taken earlier" buttons, before now
ROUND = 5  # minutes


@dataclass(frozen=True)
class Earlier:
    outcome: str  # choose closed answered not_yours stale
    choices: tuple[datetime, ...] = ()
    timezone: str = "UTC"
    language: str = "en"
    route: str = "oral"
    snoozes: int = 0


async def earlier_choices(
    sessions: Sessions, *, dose_id: int, chat_id: int, now: datetime, protocol: Protocol
) -> Earlier:
    """The times to offer for "Taken earlier": 15 minutes to 3 hours ago, none before the dose's window."""
    async with sessions() as session:
        dose = await session.get(DoseEvent, dose_id)
        patient = await session.get(Patient, dose.patient_id) if dose is not None else None
    if dose is None or patient is None or patient.chat_id != chat_id:
        return Earlier("not_yours")
    if dose.status == "unconfirmed":
        return Earlier("closed", language=patient.language)
    if dose.status not in ("sent", "snoozed"):
        return Earlier("answered" if dose.status in ("taken", "skipped") else "stale", language=patient.language)
    top = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % ROUND)
    earliest = dose.due_at - protocol.doses.taken_earlier_within
    choices = tuple(top - timedelta(minutes=m) for m in EARLIER_MINUTES if top - timedelta(minutes=m) >= earliest)
    return Earlier("choose", choices, patient.timezone, patient.language, dose.route, dose.snoozes)


async def skip_reason(sessions: Sessions, *, dose_id: int, chat_id: int, reason: str, now: datetime) -> str | None:
    """Store why a skipped dose was skipped; the patient's language, or None when it is not theirs to say."""
    if reason not in SKIP_REASONS:
        return None
    async with sessions() as session:
        dose = await session.get(DoseEvent, dose_id)
        patient = await session.get(Patient, dose.patient_id) if dose is not None else None
        if dose is None or patient is None or patient.chat_id != chat_id:
            return None
        if not await doses_q.set_skip_reason(session, dose_id=dose_id, reason=reason):
            return None
        audit.record(
            session, at=now, actor="patient", action="dose.skip_reason", subject=f"dose:{dose_id}",
            detail={"reason": reason},
        )  # fmt: skip
        await session.commit()
        return patient.language
