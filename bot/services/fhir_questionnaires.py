"""FHIR R4 QuestionnaireResponse and score Observations (fhir.resources.R4B) of a completed questionnaire."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from bot.services.fhir_resources import SYSTEM, when
from storage.models import Questionnaire

LOINC_PAIN = {"system": "http://loinc.org", "code": "72514-3", "display": "Pain severity - 0-10 verbal numeric rating"}


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
            "authored": when(q.completed_at or q.due_at),
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
                    "effectiveDateTime": when(q.completed_at or q.due_at),
                    "derivedFrom": [{"reference": source}],
                    **value,
                }
            ),
        )
