"""The FHIR R4 resources of one patient (fhir.resources.R4B models), from stored rows. No I/O, no clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from storage.models import DoseEvent, Patient, Questionnaire

SYSTEM = "urn:b12bot"
ATC = "http://www.whocc.no/atc"
ATC_CODES = {"cyanocobalamin": "B03BA01", "hydroxocobalamin": "B03BA03", "methylcobalamin": "B03BA05"}
ROUTES = {"oral": "oral", "im": "intramuscular"}
STATEMENT_STATUS = {"active": "active", "paused": "on-hold", "invited": "intended", "declined": "not-taken"}
LOINC_PAIN = {"system": "http://loinc.org", "code": "72514-3", "display": "Pain severity - 0-10 verbal numeric rating"}


def _when(at: datetime) -> str:
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
        period["end"] = _when(patient.stopped_at)
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
            "effectiveDateTime": _when(dose.answered_at or dose.due_at),
            "note": [{"text": f"due {_when(dose.due_at)}; confirmed by the patient"}],
            "dosage": dosage,
        }
    )


def _answers(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    if isinstance(value, list | tuple):
        return [a for v in value for a in _answers(v)]
    return [{"valueString": str(value)}]


def response(q: Questionnaire, subject: str) -> Resource:
    items = [{"linkId": key, "answer": _answers(value)} for key, value in sorted(q.answers.items())]
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": f"{SYSTEM}:questionnaire:{q.kind}",
            "identifier": {"system": f"{SYSTEM}:questionnaire-week", "value": str(q.week)},
            "subject": {"reference": subject},
            "authored": _when(q.completed_at or q.due_at),
            "item": [i for i in items if i["answer"]],
        }
    )


def _value(value: Any) -> dict[str, Any] | None:
    if value is None or value == [] or value == ():
        return None
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueQuantity": {"value": value, "unit": "mg/day"}}
    if isinstance(value, list | tuple):
        return {"valueString": ", ".join(str(v) for v in value)}
    return {"valueString": str(value)}


def observations(q: Questionnaire, subject: str, source: str) -> Iterator[tuple[str, Resource]]:
    """An Observation per sub-score of a completed questionnaire (pain, numbness, PGIC, MNSI, B6, red flags)."""
    for key, raw in sorted((q.score or {}).items()):
        value = _value(raw)
        if value is None:
            continue
        code: dict[str, Any] = {"coding": [{"system": f"{SYSTEM}:score", "code": key}], "text": key}
        if key == "pain":
            code["coding"].append(LOINC_PAIN)
        yield (
            key,
            Observation.model_validate(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [{"coding": [{"system": f"{SYSTEM}:category", "code": "questionnaire-score"}]}],
                    "code": code,
                    "subject": {"reference": subject},
                    "effectiveDateTime": _when(q.completed_at or q.due_at),
                    "derivedFrom": [{"reference": source}],
                    **value,
                }
            ),
        )
