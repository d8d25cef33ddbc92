"""The last step of /enrol: the invite request made of the dialogue's answers, and the baseline B12 given."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from care.regimens import Regimen
from storage import audit
from storage.engine import Sessions
from storage.models import Patient

from .enrolment import PatientRequest


def request_of(data: dict[str, Any], user_id: int) -> PatientRequest:
    """The patient invite the clinician `user_id` confirmed (the dialogue's data)."""
    return PatientRequest(
        team=data["team"],
        alias=data["alias"],
        regimen=Regimen.from_dict(data["regimen"]),
        start=date.fromisoformat(data["start"]),
        timezone=data["tz"],
        reminder_time=time.fromisoformat(data["time"]),
        clinician_user_id=user_id,
    )


async def store_b12(sessions: Sessions, *, patient_id: int, b12: dict[str, Any], user_id: int, now: datetime) -> None:
    """The baseline vitamin B12 level given in the dialogue, on the invited patient (audited, no value)."""
    async with sessions() as session:
        patient = await session.get(Patient, patient_id)
        assert patient is not None
        patient.baseline_b12_value, patient.baseline_b12_unit = b12["value"], b12["unit"]
        patient.baseline_b12_date = date.fromisoformat(b12["date"]) if b12.get("date") else None
        session.add(patient)
        actor, subject = f"tg:{user_id}", f"patient:{patient_id}"
        audit.record(session, at=now, actor=actor, action="patient.baseline_b12", subject=subject)
        await session.commit()
