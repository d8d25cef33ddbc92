"""One patient's FHIR R4 Bundle (type collection) from their rows: pure, no database, no clock.

The Patient, the regimen's MedicationStatement, a MedicationAdministration per dose, the baseline B12, the
Questionnaire definitions the responses name, a QuestionnaireResponse and sub-score Observations per completed
questionnaire, and the flags; every fullUrl a stable `urn:uuid` (uuid5 of the row). Used by services/fhir_export.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.resource import Resource

from care.protocol import Protocol
from services.fhir_flags import flag_resources
from services.fhir_questionnaire_defs import definition, questionnaire_resource
from services.fhir_questionnaires import observations, response
from services.fhir_regimen import statement
from services.fhir_resources import administration, baseline_b12, patient_resource
from services.questionnaire_views import uses_injections
from storage.models import DoseEvent, Flag, Patient, Questionnaire

NAMESPACE = uuid.UUID("8f4b7a3e-1d2c-4e5f-9a6b-b12b0712b12b")


def urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, ':'.join(str(p) for p in parts))}"


@dataclass(frozen=True)
class PatientRows:
    patient: Patient
    doses: Sequence[DoseEvent]
    questionnaires: Sequence[Questionnaire]
    flags: Sequence[Flag]


def _questionnaires(rows: PatientRows, subject: str, protocol: Protocol) -> list[tuple[str, Resource]]:
    defined: dict[str, tuple[str, Resource]] = {}
    answered: list[tuple[str, Resource]] = []
    for q in rows.questionnaires:
        if q.status != "completed":
            continue
        d = definition(q, protocol, injections=uses_injections(rows.patient.regimen))
        if d.canonical not in defined:
            defined[d.canonical] = (
                urn("definition", d.canonical),
                FhirQuestionnaire.model_validate(questionnaire_resource(d)),
            )
        source = urn("questionnaire", q.id)
        answered.append((source, response(q, subject, d)))
        answered.extend((urn("score", q.id, key), obs) for key, obs in observations(q, subject, source, protocol.b6))
    return [*defined.values(), *answered]


def bundle_for(rows: PatientRows, *, roles: dict[int, str], protocol: Protocol, now: datetime) -> Bundle:
    """The patient's Bundle from their rows (pure: no database, no clock)."""
    patient = rows.patient
    pid = patient.id or 0
    subject = urn("patient", pid)
    regimen = urn("regimen", pid)
    resources: list[tuple[str, Resource]] = [
        (subject, patient_resource(patient)),
        (regimen, statement(patient, subject)),
    ]
    b12 = baseline_b12(patient, subject)
    if b12 is not None:
        resources.append((urn("baseline-b12", pid), b12))
    resources.extend((urn("dose", d.id), administration(d, patient, subject, regimen)) for d in rows.doses)
    resources.extend(_questionnaires(rows, subject, protocol))
    exported = {q.id for q in rows.questionnaires if q.status == "completed"}
    by_week = {q.week: q.id for q in rows.questionnaires if q.status == "completed"}

    def evidence(flag: Flag) -> str | None:
        qid = flag.facts.get("response_id") or by_week.get(flag.facts.get("week", -1))
        return urn("questionnaire", qid) if qid is not None and int(qid) in exported else None

    def url(*parts: object) -> str:
        return urn(pid, *parts)

    for flag in rows.flags:
        resources.extend(flag_resources(flag, subject, url=url, roles=roles, evidence=evidence))
    unique = dict(resources)  # a PractitionerRole comes once per role
    entries = [{"fullUrl": full, "resource": resource} for full, resource in unique.items()]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid5(NAMESPACE, f"bundle:{pid}")),
            "type": "collection",
            "timestamp": now.isoformat(),
            "entry": entries,
        }
    )
