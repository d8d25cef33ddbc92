"""FHIR R4 Patient, MedicationStatement, MedicationAdministration and baseline B12 Observation (R4B models).

Every dose row becomes a MedicationAdministration: taken `completed`; skipped, unconfirmed, missed and
not sent `not-done` with a `statusReason`; doses still planned or awaiting an answer `unknown`. Doses in
UCUM, routes in SNOMED CT besides the text, the regimen's timing as `Dosage.timing` (an administration
has no timing element in R4: its time is `effectiveDateTime`). No I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.resource import Resource

from services.fhir_codes import (
    ATC,
    ATC_CODES,
    B12_MASS_UNITS,
    LABORATORY,
    LOINC_B12_MASS,
    ROUTE_TEXT,
    ROUTES,
    narrative,
    private,
    quantity,
)
from storage.models import DoseEvent, Patient
from storage.status import ENROLLED

STATEMENT_STATUS = {"active": "active", "paused": "on-hold", "invited": "intended", "declined": "not-taken"}
DOSE_STATUS = {"taken": "completed", "skipped": "not-done", "unconfirmed": "not-done", "missed": "not-done"}
DOSE_STATUS |= {"not_sent": "not-done"}
NOT_DONE_REASON = {
    "skipped": "the patient pressed Skip",
    "unconfirmed": "the patient did not confirm the dose before the reminder closed",
    "missed": "the reminder could not be sent in time (the bot was down)",
    "not_sent": "no reminder was sent (reminders paused, stopped or discharged)",
}


def when(at: datetime) -> str:
    return at.isoformat()


def _medication(compound: str) -> dict[str, Any]:
    coding = [{"system": ATC, "code": ATC_CODES[compound], "display": compound}] if compound in ATC_CODES else []
    return {"coding": coding, "text": compound} if coding else {"text": compound}


def _route(route: str) -> dict[str, Any]:
    text = ROUTE_TEXT.get(route, route)
    return {"coding": [ROUTES[route]], "text": text} if route in ROUTES else {"text": text}


def _phases(patient: Patient) -> list[dict[str, Any]]:
    return list(patient.regimen.get("phases", []))


def patient_resource(patient: Patient) -> Resource:
    identifier = {"system": f"urn:b12bot:team:{patient.team_id}:alias", "value": patient.alias}
    active = patient.status in ENROLLED
    return FhirPatient.model_validate(
        {
            "resourceType": "Patient",
            "text": narrative(f"Patient {patient.alias} (a pseudonym chosen by the care team)."),
            "identifier": [identifier],
            "active": active,
        }
    )


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
        "route": _route(route),
        "doseAndRate": [{"doseQuantity": quantity(phase["dose"], phase["unit"])}],
    }


def statement(patient: Patient, subject: str) -> Resource:
    phases = _phases(patient)
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
            "medicationCodeableConcept": _medication(compound),
            "subject": {"reference": subject},
            "effectivePeriod": period,
            "note": [{"text": title}],
            "dosage": [_dosage(p, n + 1, patient.reminder_time) for n, p in enumerate(phases)],
        }
    )


def administration(dose: DoseEvent, patient: Patient, subject: str, regimen: str) -> Resource:
    """Any dose row: what happened to it, the dose in UCUM, the route in SNOMED CT; linked to the regimen."""
    phases = _phases(patient)
    phase = phases[dose.phase_index] if dose.phase_index < len(phases) else {}
    dosage: dict[str, Any] = {"route": _route(dose.route)}
    if phase:
        dosage["dose"] = quantity(phase["dose"], phase["unit"])
    status = DOSE_STATUS.get(dose.status, "unknown")
    found: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "identifier": [{"system": "urn:b12bot:dose", "value": str(dose.id)}],
        "status": status,
        "medicationCodeableConcept": _medication(str(phase.get("compound", "cyanocobalamin"))),
        "subject": {"reference": subject},
        "supportingInformation": [{"reference": regimen}],
        "effectiveDateTime": when(dose.answered_at if dose.status == "taken" and dose.answered_at else dose.due_at),
        "note": [{"text": f"due {when(dose.due_at)}; b12bot status {dose.status}"}],
        "dosage": dosage,
    }
    if status == "not-done":
        reason = NOT_DONE_REASON[dose.status]
        found["statusReason"] = [{"coding": [private("dose-status", dose.status)], "text": reason}]
    shown = f"Dose due {when(dose.due_at)}: {dose.status}" + (
        f" ({NOT_DONE_REASON[dose.status]})" if status == "not-done" else ""
    )
    found["text"] = narrative(shown)
    return MedicationAdministration.model_validate(found)


def baseline_b12(patient: Patient, subject: str) -> Resource | None:
    """The serum B12 the clinician gave at enrolment (LOINC 2132-9 for mass units), or None."""
    value, unit, day = patient.baseline_b12_value, patient.baseline_b12_unit, patient.baseline_b12_date
    if value is None or unit is None:
        return None
    coding = [
        *([LOINC_B12_MASS] if unit in B12_MASS_UNITS else []),
        private("lab", "baseline_b12", "Serum B12 at baseline"),
    ]
    found: dict[str, Any] = {
        "resourceType": "Observation",
        "text": narrative(f"Baseline serum vitamin B12: {value:g} {unit}" + (f" on {day.isoformat()}" if day else "")),
        "status": "final",
        "category": [LABORATORY],
        "code": {"coding": coding, "text": "Vitamin B12 (cobalamin), serum, baseline"},
        "subject": {"reference": subject},
        "valueQuantity": quantity(value, unit),
    }
    if day is not None:
        found["effectiveDateTime"] = day.isoformat()
    return Observation.model_validate(found)
