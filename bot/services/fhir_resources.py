"""FHIR R4 Patient, MedicationStatement and MedicationAdministration (fhir.resources.R4B) from stored rows.

No I/O, no clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.resource import Resource

from storage.models import DoseEvent, Patient

SYSTEM = "urn:b12bot"
ATC = "http://www.whocc.no/atc"
ATC_CODES = {"cyanocobalamin": "B03BA01", "hydroxocobalamin": "B03BA03", "methylcobalamin": "B03BA05"}
ROUTES = {"oral": "oral", "im": "intramuscular"}
STATEMENT_STATUS = {"active": "active", "paused": "on-hold", "invited": "intended", "declined": "not-taken"}


def when(at: datetime) -> str:
    return at.isoformat()


def _medication(compound: str) -> dict[str, Any]:
    coding = [{"system": ATC, "code": ATC_CODES[compound], "display": compound}] if compound in ATC_CODES else []
    return {"coding": coding, "text": compound} if coding else {"text": compound}


def _phases(patient: Patient) -> list[dict[str, Any]]:
    return list(patient.regimen.get("phases", []))


def patient_resource(patient: Patient) -> Resource:
    identifier = {"system": f"{SYSTEM}:team:{patient.team_id}:alias", "value": patient.alias}
    active = patient.status in ("active", "paused")
    return FhirPatient.model_validate({"resourceType": "Patient", "identifier": [identifier], "active": active})


def _dosage(phase: dict[str, Any], sequence: int) -> dict[str, Any]:
    route = ROUTES.get(str(phase.get("route")), str(phase.get("route")))
    if phase.get("every_months"):
        every = f"every {phase['every_months']} months"
    elif phase.get("every_days", 1) == 1:
        every = "daily"
    else:
        every = f"every {phase.get('every_days')} days"
    text = f"{phase.get('dose'):g} {phase.get('unit')} {route} {every}"
    if phase.get("duration_days"):
        text += f" for {phase['duration_days']} days"
    return {
        "sequence": sequence,
        "text": text,
        "route": {"text": route},
        "doseAndRate": [{"doseQuantity": {"value": phase.get("dose"), "unit": phase.get("unit")}}],
    }


def statement(patient: Patient, subject: str) -> Resource:
    phases = _phases(patient)
    compound = str(phases[0].get("compound", "cyanocobalamin")) if phases else "cyanocobalamin"
    status = STATEMENT_STATUS.get(patient.status, "stopped")
    period: dict[str, Any] = {"start": patient.therapy_start.isoformat()}
    if patient.stopped_at is not None:
        period["end"] = when(patient.stopped_at)
    return MedicationStatement.model_validate(
        {
            "resourceType": "MedicationStatement",
            "status": status,
            "medicationCodeableConcept": _medication(compound),
            "subject": {"reference": subject},
            "effectivePeriod": period,
            "note": [{"text": f"{patient.regimen_code}: {patient.regimen.get('title', '')}"}],
            "dosage": [_dosage(p, n + 1) for n, p in enumerate(phases)],
        }
    )


def administration(dose: DoseEvent, patient: Patient, subject: str) -> Resource:
    phases = _phases(patient)
    phase = phases[dose.phase_index] if dose.phase_index < len(phases) else {}
    dosage: dict[str, Any] = {"route": {"text": ROUTES.get(dose.route, dose.route)}}
    if phase:
        dosage["dose"] = {"value": phase.get("dose"), "unit": phase.get("unit")}
    return MedicationAdministration.model_validate(
        {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": _medication(str(phase.get("compound", "cyanocobalamin"))),
            "subject": {"reference": subject},
            "effectiveDateTime": when(dose.answered_at or dose.due_at),
            "note": [{"text": f"due {when(dose.due_at)}; confirmed by the patient"}],
            "dosage": dosage,
        }
    )
