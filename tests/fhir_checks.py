"""Independent checks of exported FHIR: HL7's R4 JSON schema (jsonschema, not fhir.resources) and the rules
the export promises (UCUM on every Quantity, references that resolve, narratives, canonical questionnaires).

The schema is HL7's official FHIR R4 JSON schema (4.0.1, draft-06), the copy in ../shared/fhir/, shipped
gzipped beside this file (tests/fhir/, with its licence) so that the tests run on any clone;
test_fhir_cohort.py fails when it drifts from ../shared.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

PACKAGED_SCHEMA = Path(__file__).resolve().parent / "fhir" / "fhir.schema.json.gz"
SHARED_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "fhir" / "fhir.schema.json"
UCUM = "http://unitsofmeasure.org"
XHTML_DIV = '<div xmlns="http://www.w3.org/1999/xhtml">'

JSON = dict[str, Any]


def schema_bytes() -> bytes:
    return gzip.decompress(PACKAGED_SCHEMA.read_bytes())


@cache
def validator() -> Draft6Validator:
    schema = json.loads(schema_bytes())
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema)


def schema_errors(bundle: JSON) -> list[str]:
    """Every error of the Bundle against the R4 schema, each with its path: [] when it conforms."""
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:200]}" for e in validator().iter_errors(bundle)]


def walk(node: Any, path: str = "") -> Iterator[tuple[str, JSON]]:
    """Every JSON object in `node`, with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def is_quantity(obj: JSON) -> bool:
    """A Quantity (or Duration, Range low/high): a numeric `value`, or a `unit` or `comparator`."""
    value = obj.get("value")
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return numeric or "unit" in obj or "comparator" in obj


def quantity_problems(bundle: JSON) -> list[str]:
    return [
        f"{path}: {obj}"
        for path, obj in walk(bundle)
        if is_quantity(obj) and (obj.get("system") != UCUM or not obj.get("code"))
    ]


def resources(bundle: JSON) -> dict[str, list[JSON]]:
    found: dict[str, list[JSON]] = {}
    for entry in bundle.get("entry", []):
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def reference_problems(bundle: JSON) -> list[str]:
    """References that do not name an entry's fullUrl in the same Bundle."""
    full = {entry["fullUrl"] for entry in bundle.get("entry", [])}
    return [
        f"{path}: {obj['reference']}"
        for path, obj in walk(bundle)
        if isinstance(obj.get("reference"), str) and obj["reference"] not in full
    ]


def questionnaire_problems(bundle: JSON) -> list[str]:
    """QuestionnaireResponses whose `questionnaire` is not the url|version of a Questionnaire in the Bundle."""
    found = resources(bundle)
    defined = {f"{q['url']}|{q['version']}" for q in found.get("Questionnaire", [])}
    return [r["questionnaire"] for r in found.get("QuestionnaireResponse", []) if r.get("questionnaire") not in defined]


def narrative_problems(bundle: JSON) -> list[str]:
    """Resources without a generated XHTML narrative (dom-6)."""
    problems = []
    for entry in bundle.get("entry", []):
        text = entry["resource"].get("text") or {}
        if text.get("status") != "generated" or not str(text.get("div", "")).startswith(XHTML_DIV):
            problems.append(entry["fullUrl"])
    return problems


def identified(found: dict[str, list[JSON]], kind: str, system: str) -> dict[str, JSON]:
    """Resources of `kind` by their identifier value in `system`."""
    return {i["value"]: r for r in found.get(kind, []) for i in r.get("identifier", []) if i.get("system") == system}


def codings(bundle: JSON) -> set[tuple[str, str]]:
    """Every (system, code) of every Coding in the Bundle, and every extension url as (url, "")."""
    found = set()
    for _, obj in walk(bundle):
        if isinstance(obj.get("system"), str) and isinstance(obj.get("code"), str) and obj["system"] != UCUM:
            found.add((obj["system"], obj["code"]))
        if isinstance(obj.get("url"), str) and any(k.startswith("value") for k in obj):
            found.add((obj["url"], ""))
    return found


def undocumented(used: set[tuple[str, str]], doc: str) -> list[tuple[str, str]]:
    """Systems (and, for standard systems, codes) that docs/data.md does not list."""
    missing = []
    for system, code in sorted(used):
        base = system.split(":answer:")[0] + ":answer:<item>" if ":answer:" in system else system
        standard = not system.startswith("urn:b12bot")
        if f"`{base}`" not in doc or (code and standard and f"`{code}`" not in doc):
            missing.append((system, code))
    return missing
