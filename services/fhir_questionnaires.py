"""FHIR R4 QuestionnaireResponse and score Observations (fhir.resources.R4B) of a completed questionnaire.

The response names its Questionnaire `url|version` (fhir_questionnaire_defs) and lists the answers in the
order asked. Each sub-score is an Observation in HL7's `survey` category, coded with LOINC where a code
was checked (pain: 72514-3) and always with the private code. The B6 intake is the range the patient
chose (a Range, or a Quantity with comparator `>` for the open range), never the figure the rules assume.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from care.instruments import NOT_SURE, PGIC
from care.protocol import B6Thresholds
from services.fhir_codes import ASKED_UNKNOWN, LOINC_BY_SCORE, SURVEY, narrative, private, quantity
from services.fhir_questionnaire_defs import Definition, answers, option_coding
from storage.models import Questionnaire

LABELS = {
    "pain": "Average pain, past 7 days (NRS 0-10)",
    "numbness": "Numbness/tingling, past 7 days (NRS 0-10, not a validated instrument)",
    "pgic": "Patient Global Impression of Change since starting B12",
    "mnsi": "MNSI patient questionnaire total (0-13, original scoring)",
    "mnsi_abnormal": "MNSI total at or above the protocol's abnormal threshold",
    "b6_products": "B6-containing products reported",
    "b6_intake": "Total vitamin B6 from products, mg/day, as the range reported",
    "b6_unsure": "Patient not sure of the B6 dose",
    "red_flags": "Red-flag questions answered yes",
}


def when(q: Questionnaire) -> str:
    return (q.completed_at or q.due_at).isoformat()


def response(q: Questionnaire, subject: str, d: Definition) -> Resource:
    items = [
        {"linkId": i.key, "text": i.label, "answer": answers(i, q.answers[i.key])}
        for i in d.items
        if i.key in q.answers
    ]
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "text": narrative(f"{q.kind.capitalize()} questionnaire, week {q.week}: {len(items)} answers."),
            "status": "completed",
            "questionnaire": d.canonical,
            "identifier": {"system": "urn:b12bot:questionnaire-week", "value": str(q.week)},
            "subject": {"reference": subject},
            "authored": when(q),
            "item": items,
        }
    )


def b6_value(score: dict[str, Any], b6: B6Thresholds) -> dict[str, Any]:
    """The B6 intake as reported: 0 mg/d (no products), a Range, `> x` (open range), or absent (not sure)."""
    key = score.get("b6_range")
    if key is None:
        return {"valueQuantity": quantity(0, "mg/day")}
    if key == NOT_SURE:
        return {"dataAbsentReason": ASKED_UNKNOWN}
    found = next((r for r in b6.dose_ranges if r.key == key), None)
    if found is None:  # a range the protocol no longer has: say what was chosen, invent nothing
        return {"valueString": str(key)}
    if found.up_to_mg is None:
        return {"valueQuantity": quantity(found.above_mg, "mg/day", comparator=">")}
    if found.up_to_mg == found.above_mg:
        return {"valueQuantity": quantity(found.up_to_mg, "mg/day")}
    return {"valueRange": {"low": quantity(found.above_mg, "mg/day"), "high": quantity(found.up_to_mg, "mg/day")}}


def _value(key: str, raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if key == "pgic":
        coding = option_coding(PGIC, str(raw))
        return {"valueCodeableConcept": {"coding": [coding], "text": coding.get("display", str(raw))}}
    if isinstance(raw, bool):
        return {"valueBoolean": raw}
    if isinstance(raw, int):
        return {"valueInteger": raw}
    if isinstance(raw, list | tuple):
        return {"valueString": ", ".join(str(v) for v in raw) or "none"}
    return {"valueString": str(raw)}


def _scores(score: dict[str, Any], b6: B6Thresholds) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in ("pain", "numbness", "pgic", "mnsi", "mnsi_abnormal", "b6_products"):
        value = _value(key, score.get(key))
        if value is not None:
            yield key, value
    if "b6_products" in score:
        yield "b6_intake", b6_value(score, b6)
    for key in ("b6_unsure", "red_flags"):
        value = _value(key, score.get(key))
        if value is not None:
            yield key, value


def _shown(value: dict[str, Any]) -> str:
    if "valueRange" in value:
        low, high = value["valueRange"]["low"], value["valueRange"]["high"]
        return f"above {low['value']:g} up to {high['value']:g} {low['code']}"
    if "valueQuantity" in value:
        v = value["valueQuantity"]
        return f"{v.get('comparator', '')}{v['value']:g} {v['code']}"
    if "dataAbsentReason" in value:
        return "not known (the patient was not sure)"
    if "valueCodeableConcept" in value:
        return str(value["valueCodeableConcept"]["text"])
    return str(next(iter(value.values())))


def observations(q: Questionnaire, subject: str, source: str, b6: B6Thresholds) -> Iterator[tuple[str, Resource]]:
    """An Observation per sub-score of a completed questionnaire (pain, numbness, PGIC, MNSI, B6, red flags)."""
    for key, value in _scores(q.score or {}, b6):
        coding = [*([LOINC_BY_SCORE[key]] if key in LOINC_BY_SCORE else []), private("score", key, LABELS[key])]
        data = {
            "resourceType": "Observation",
            "text": narrative(f"{LABELS[key]}: {_shown(value)} (week {q.week}, {when(q)[:10]})."),
            "status": "final",
            "category": [SURVEY],
            "code": {"coding": coding, "text": key},
            "subject": {"reference": subject},
            "effectiveDateTime": when(q),
            "derivedFrom": [{"reference": source}],
            **value,
        }
        yield key, Observation.model_validate(data)
