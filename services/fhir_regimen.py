"""FHIR R4 MedicationStatement for a patient's regimen (R4B models): a Dosage per phase, with its calendar.

The regimen's timing is `Dosage.timing` (an administration has no timing element in R4: its time is
`effectiveDateTime`, services/fhir_resources.py). Doses in UCUM, routes in SNOMED CT besides the text, the
medicine in ATC where it has a code. No I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.resource import Resource

from services.fhir_codes import ATC, ATC_CODES, ROUTE_TEXT, ROUTES, narrative, quantity
from storage.models import Patient

STATEMENT_STATUS = {"active": "active", "paused": "on-hold", "invited": "intended", "declined": "not-taken"}


def when(at: datetime) -> str:
    return at.isoformat()


def medication(compound: str) -> dict[str, Any]:
    coding = [{"system": ATC, "code": ATC_CODES[compound], "display": compound}] if compound in ATC_CODES else []
    return {"coding": coding, "text": compound} if coding else {"text": compound}


def route_concept(route: str) -> dict[str, Any]:
    text = ROUTE_TEXT.get(route, route)
    return {"coding": [ROUTES[route]], "text": text} if route in ROUTES else {"text": text}


def phases_of(patient: Patient) -> list[dict[str, Any]]:
    return list(patient.regimen.get("phases", []))


def timing(phase: dict[str, Any], reminder_time: str) -> dict[str, Any]:
    """The phase's calendar as a FHIR Timing: frequency per period, count or bounds, local times of day."""
    per_day = int(phase.get("times_per_day", 1))
    if phase.get("every_months"):
        repeat: dict[str, Any] = {"frequency": 1, "period": phase["every_months"], "periodUnit": "mo"}
    elif phase.get("week_days"):
        repeat = {"frequency": len(phase["week_days"]) * per_day, "period": 1, "periodUnit": "wk"}
    else:
        repeat = {"frequency": per_day, "period": phase.get("every_days", 1), "periodUnit": "d"}
    if phase.get("dose_days"):
        repeat["count"] = int(phase["dose_days"]) * per_day
    elif phase.get("duration_days"):
        repeat["boundsDuration"] = quantity(phase["duration_days"], "d")
    first = datetime.combine(datetime.min, time.fromisoformat(reminder_time))
    spacing = timedelta(hours=int(phase.get("spacing_hours", 6)))
    repeat["timeOfDay"] = [(first + k * spacing).time().isoformat() for k in range(per_day)]
    return {"repeat": repeat}


def _dosage(phase: dict[str, Any], sequence: int, reminder_time: str) -> dict[str, Any]:
    route = str(phase.get("route"))
    repeat = timing(phase, reminder_time)["repeat"]
    if phase.get("every_months"):
        every = f"every {phase['every_months']} months"
    elif phase.get("week_days"):
        every = f"{len(phase['week_days'])} days a week"
    elif phase.get("every_days", 1) == 1:
        every = "daily"
    else:
        every = f"every {phase.get('every_days')} days"
    text = f"{phase.get('dose'):g} {phase.get('unit')} {ROUTE_TEXT.get(route, route)} {every}"
    if int(phase.get("times_per_day", 1)) > 1:
        text += f", {phase['times_per_day']} times a day"
    if phase.get("duration_days"):
        text += f" for {phase['duration_days']} days"
    return {
        "sequence": sequence,
        "text": text,
        "timing": {"repeat": repeat},
        "route": route_concept(route),
        "doseAndRate": [{"doseQuantity": quantity(phase["dose"], phase["unit"])}],
    }


def statement(patient: Patient, subject: str) -> Resource:
    phases = phases_of(patient)
    compound = str(phases[0].get("compound", "cyanocobalamin")) if phases else "cyanocobalamin"
    status = STATEMENT_STATUS.get(patient.status, "stopped")
    period: dict[str, Any] = {"start": patient.therapy_start.isoformat()}
    if patient.stopped_at is not None:
        period["end"] = when(patient.stopped_at)
    title = f"{patient.regimen_code}: {patient.regimen.get('title', '')}"
    return MedicationStatement.model_validate(
        {
            "resourceType": "MedicationStatement",
            "text": narrative(f"Regimen {title}", f"from {patient.therapy_start.isoformat()}, {compound}"),
            "status": status,
            "medicationCodeableConcept": medication(compound),
            "subject": {"reference": subject},
            "effectivePeriod": period,
            "note": [{"text": title}],
            "dosage": [_dosage(p, n + 1, patient.reminder_time) for n, p in enumerate(phases)],
        }
    )
