"""FHIR R4 Patient, MedicationAdministration and baseline B12 Observation (R4B models); the regimen's
MedicationStatement: services/fhir_regimen.py.

Every dose row becomes a MedicationAdministration: taken `completed`; skipped, unconfirmed, missed and
not sent `not-done` with a `statusReason`; doses still planned or awaiting an answer `unknown`. Doses in
UCUM, routes in SNOMED CT besides the text; its time is `effectiveDateTime`. No I/O, no clock.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.resource import Resource

from services.fhir_codes import B12_MASS_UNITS, LABORATORY, LOINC_B12_MASS, narrative, private, quantity
from services.fhir_regimen import medication, phases_of, route_concept, when
from storage.models import DoseEvent, Patient
from storage.status import ENROLLED

DOSE_STATUS = {"taken": "completed", "skipped": "not-done", "unconfirmed": "not-done", "missed": "not-done"}
DOSE_STATUS |= {"not_sent": "not-done"}
NOT_DONE_REASON = {
    "skipped": "the patient pressed Skip",
    "unconfirmed": "the patient did not confirm the dose before the reminder closed",
    "missed": "the reminder could not be sent in time (the bot was down)",
    "not_sent": "no reminder was sent (reminders paused, stopped or discharged)",
}


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


def administration(dose: DoseEvent, patient: Patient, subject: str, regimen: str) -> Resource:
    """Any dose row: what happened to it, the dose in UCUM, the route in SNOMED CT; linked to the regimen."""
    phases = phases_of(patient)
    phase = phases[dose.phase_index] if dose.phase_index < len(phases) else {}
    dosage: dict[str, Any] = {"route": route_concept(dose.route)}
    if phase:
        dosage["dose"] = quantity(phase["dose"], phase["unit"])
    status = DOSE_STATUS.get(dose.status, "unknown")
    found: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "identifier": [{"system": "urn:b12bot:dose", "value": str(dose.id)}],
        "status": status,
        "medicationCodeableConcept": medication(str(phase.get("compound", "cyanocobalamin"))),
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
