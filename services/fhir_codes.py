"""Every code system and code the FHIR export uses, with its source (listed again in docs/data.md).

A code is used only where it was checked against a published source; where none could be checked the
export keeps only the private coding (`urn:b12bot:...`), and docs/data.md says so. No I/O, no clock.
"""

from __future__ import annotations

import html
from typing import Any

PRIVATE = "urn:b12bot"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
FLAG_PRIORITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY = "http://hl7.org/fhir/flag-priority-code"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

# Questionnaire canonical URLs: an identifier, not an address to fetch (RFC 2606 reserves `.invalid`);
# every Bundle carries the Questionnaire resources themselves.
CANONICAL_BASE = "https://b12bot.invalid/fhir/Questionnaire"

# LOINC, checked: 72514-3 (LOINC; HL7 Belgium patient-monitoring IG value set "pain-scale"),
# 2132-9 (reference laboratories' catalogues: ARUP 0070150 and others, reported in pg/mL or ng/L).
LOINC_PAIN = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
LOINC_B12_MASS = {
    "system": LOINC,
    "code": "2132-9",
    "display": "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma",
}
LOINC_BY_SCORE = {"pain": LOINC_PAIN}

# SNOMED CT route qualifiers, checked (SNOMED CT "Route of administration value" hierarchy).
ROUTES = {
    "oral": {"system": SNOMED, "code": "26643006", "display": "Oral route"},
    "im": {"system": SNOMED, "code": "78421000", "display": "Intramuscular route"},
}
ROUTE_TEXT = {"oral": "oral", "im": "intramuscular"}

ATC_CODES = {"cyanocobalamin": "B03BA01", "hydroxocobalamin": "B03BA03", "methylcobalamin": "B03BA05"}

# UCUM codes of the units b12bot stores (UCUM is case-sensitive: `ug` is the microgram, `mg/d` per day).
UCUM_CODES = {"mcg": "ug", "mg": "mg", "mg/day": "mg/d", "ng/L": "ng/L", "pg/mL": "pg/mL", "pmol/L": "pmol/L", "d": "d"}
B12_MASS_UNITS = ("ng/L", "pg/mL")  # LOINC 2132-9 is mass/volume; pmol/L (moles) keeps the private code only

SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
LABORATORY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory", "display": "Laboratory"}]}
ASKED_UNKNOWN = {"coding": [{"system": DATA_ABSENT, "code": "asked-unknown", "display": "Asked But Unknown"}]}

# Flag priority (FHIR extensions pack, code system flag-priority-code: PN no alarm, PL low, PM medium, PH high).
PRIORITY = {"info": "PL", "warning": "PM", "urgent": "PH"}
PRIORITY_DISPLAY = {"PL": "Low priority", "PM": "Medium priority", "PH": "High priority"}
# DetectedIssue.severity (FHIR R4 required binding detectedissue-severity: high | moderate | low).
ISSUE_SEVERITY = {"info": "low", "warning": "moderate", "urgent": "high"}


def private(kind: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": f"{PRIVATE}:{kind}", "code": code}
    if display:
        coding["display"] = display
    return coding


def quantity(value: float, unit: str, *, comparator: str | None = None) -> dict[str, Any]:
    """A FHIR Quantity with its UCUM system and code (KeyError for a unit without one: never unit alone)."""
    found: dict[str, Any] = {"value": value, "unit": unit, "system": UCUM, "code": UCUM_CODES[unit]}
    if comparator:
        found["comparator"] = comparator
    return found


def narrative(*lines: str) -> dict[str, str]:
    """A resource's human-readable text (dom-6): XHTML in a div, escaped, one paragraph per line."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}
