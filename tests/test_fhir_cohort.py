"""Every FHIR Bundle of a simulated cohort passes HL7's R4 JSON schema (jsonschema, independent of the
fhir.resources models that built it) and keeps the export's promises: UCUM on every Quantity, references
that resolve in the Bundle, QuestionnaireResponses naming a Questionnaire in the Bundle (url|version),
every dose and every flag of the database, the acknowledger as a role, B6 ranges as ranges, narratives.

The cohort: one virtual patient per profile, 4 weeks (past the week-3 red flag and the week-2 PGIC).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.simulate.clinic import CLINICIAN, START, Clinic, Config
from bot.simulate.profiles import PROFILES
from services import fhir_export, redcap_export
from services.fhir_codes import LOINC
from services.fhir_resources import DOSE_STATUS
from storage.models import DoseEvent, Flag, Patient, Questionnaire
from tests import fhir_checks as fc
from tests.test_redcap_export import check as check_redcap

WEEKS = 4
DATA_MD = Path(__file__).resolve().parents[1] / "docs" / "data.md"


async def cohort(url: str) -> Sandbox:
    """The simulated clinic, then a baseline B12 for two patients and two flags acknowledged with /ack."""
    sb = Sandbox(database_url=url, start=START)
    await sb.__aenter__()
    clinic = Clinic(sb, Config(len(PROFILES), WEEKS, 7, PROFILES, url), None)
    await clinic.run(None)
    async with sb.services.sessions() as session:
        patients = (await session.exec(select(Patient).order_by(col(Patient.alias)))).all()
        # as a clinician's /enrol would have stored them (the simulator enrols without a baseline B12)
        patients[0].baseline_b12_value, patients[0].baseline_b12_unit = 180.0, "ng/L"
        patients[0].baseline_b12_date = START.date()
        patients[1].baseline_b12_value, patients[1].baseline_b12_unit = 150.0, "pmol/L"
        session.add_all(patients[:2])
        await session.commit()
        flags = (await session.exec(select(Flag).order_by(col(Flag.id)))).all()
    chosen = [next(f for f in flags if f.kind == kind) for kind in ("red_flag", "unreachable")]
    for flag in chosen:
        await sb.send(sb.users.text(CLINICIAN, f"/ack {flag.id}"))
    return sb


def expected_b6(score: dict[str, Any]) -> dict[str, Any] | None:
    """What the default protocol's B6 ranges must become in FHIR (None: no value, the patient was not sure)."""
    ug: dict[str, Any] = {"unit": "mg/day", "system": fc.UCUM, "code": "mg/d"}
    match score.get("b6_range"):
        case None:
            return {"valueQuantity": {"value": 0, **ug}}
        case "100_500":
            return {"valueRange": {"low": {"value": 100.0, **ug}, "high": {"value": 500.0, **ug}}}
        case "over_500":
            return {"valueQuantity": {"value": 500.0, "comparator": ">", **ug}}
        case "not_sure":
            return None
    raise AssertionError(score)


async def test_every_bundle_of_a_cohort_passes_the_r4_schema_and_keeps_its_promises(
    sqlite_url: str, tmp_path: Path
) -> None:
    sb = await cohort(sqlite_url)
    try:
        bundles = await fhir_export.collect(
            sb.services.sessions, team="Virtual clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        fhir_export.write(bundles, out=tmp_path, zip_file=None)
        redcap = await redcap_export.collect(
            sb.services.sessions, team="Virtual clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        async with sb.services.sessions() as session:
            doses = (await session.exec(select(DoseEvent))).all()
            flags = (await session.exec(select(Flag))).all()
            alias = {p.id: p.alias for p in (await session.exec(select(Patient))).all()}
            questionnaires = {
                (alias[q.patient_id], q.week): q for q in (await session.exec(select(Questionnaire))).all()
            }
    finally:
        await sb.__aexit__(None, None, None)
    check(tmp_path, doses, flags, questionnaires)
    # the same cohort as REDCap records: they pass REDCap's rules, with every dose and flag
    records = check_redcap(redcap)
    assert len([r for r in records if r["redcap_repeat_instrument"] == "dose"]) == len(doses)
    assert {r["flag_id"] for r in records if r["redcap_repeat_instrument"] == "flag"} == {str(f.id) for f in flags}
    b6 = {(r["b6_dose"], r["b6_mg_per_day_above"], r["b6_mg_per_day_up_to"]) for r in records if r["b6_dose"]}
    assert {("over_500", "500", ""), ("100_500", "100", "500"), ("not_sure", "", "")} <= b6


def check(
    folder: Path,
    doses: Sequence[DoseEvent],
    flags: Sequence[Flag],
    questionnaires: dict[tuple[str, int], Questionnaire],
) -> None:
    files = sorted(folder.glob("*.json"))
    assert len(files) == len(PROFILES)
    exported_doses: dict[str, dict[str, Any]] = {}
    exported_flags: dict[str, dict[str, Any]] = {}
    kinds: set[str] = set()
    used: set[tuple[str, str]] = set()
    b6_seen: set[str] = set()
    for file in files:
        bundle = json.loads(file.read_text(encoding="utf-8"))
        assert fc.schema_errors(bundle) == [], file.name
        assert fc.quantity_problems(bundle) == [], file.name
        assert fc.reference_problems(bundle) == [], file.name
        assert fc.questionnaire_problems(bundle) == [], file.name
        assert fc.narrative_problems(bundle) == [], file.name
        for secret in (str(CLINICIAN.id), "700001", "Virtual"):
            assert secret not in file.read_text(encoding="utf-8").replace("Virtual clinic", ""), (file.name, secret)
        found = fc.resources(bundle)
        kinds |= set(found)
        used |= fc.codings(bundle)
        exported_doses |= fc.identified(found, "MedicationAdministration", "urn:b12bot:dose")
        exported_flags |= fc.identified(found, "Flag", "urn:b12bot:flag")
        exported_flags |= fc.identified(found, "DetectedIssue", "urn:b12bot:flag")
        by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
        for obs in found.get("Observation", []):
            codes = {c["code"] for c in obs["code"]["coding"]}
            if "b6_intake" in codes:
                source = by_url[obs["derivedFrom"][0]["reference"]]
                week = int(source["identifier"]["value"])
                q = questionnaires[(file.stem, week)]
                want = expected_b6(q.score or {})
                got = {k: v for k, v in obs.items() if k in ("valueQuantity", "valueRange")}
                assert got == (want or {}), (file.name, week, got)
                b6_seen.add(str((q.score or {}).get("b6_range")))
            if "pain" in codes:
                assert {"system": LOINC, "code": "72514-3"}.items() <= obs["code"]["coding"][0].items()
                assert obs["category"][0]["coding"][0]["code"] == "survey"
    assert kinds >= {"Patient", "MedicationStatement", "MedicationAdministration", "Questionnaire"}
    assert kinds >= {"QuestionnaireResponse", "Observation", "Flag", "DetectedIssue", "PractitionerRole", "Provenance"}
    assert b6_seen >= {"None", "100_500", "over_500", "not_sure"}
    # docs/data.md lists every code system and standard code used, and every private system
    assert fc.undocumented(used, DATA_MD.read_text(encoding="utf-8")) == []
    assert ("http://loinc.org", "2132-9") in used and ("http://snomed.info/sct", "26643006") in used
    # every dose of the database (all statuses), each with the status it had
    assert set(exported_doses) == {str(d.id) for d in doses}
    for d in doses:
        assert exported_doses[str(d.id)]["status"] == DOSE_STATUS.get(d.status, "unknown"), d.status
        if d.status in ("skipped", "unconfirmed"):
            assert exported_doses[str(d.id)]["statusReason"][0]["coding"][0]["code"] == d.status
    assert {d.status for d in doses} >= {"taken", "skipped", "unconfirmed"}
    # every flag of the database; the two acknowledged ones name a PractitionerRole, no Telegram id
    assert set(exported_flags) == {str(f.id) for f in flags}
    acked = [f for f in flags if f.acknowledged_at is not None]
    assert sorted(f.kind for f in acked) == ["red_flag", "unreachable"]
    (issue,) = [exported_flags[str(f.id)] for f in acked if f.kind == "red_flag"]
    assert issue["resourceType"] == "DetectedIssue" and issue["severity"] == "high"
    assert issue["mitigation"][0]["author"]["reference"].startswith("urn:uuid:")
    (blocked,) = [exported_flags[str(f.id)] for f in acked if f.kind == "unreachable"]
    assert blocked["resourceType"] == "Flag" and blocked["status"] == "inactive" and "end" in blocked["period"]


def test_the_checks_catch_what_they_check() -> None:
    """The schema and the rules reject a Bundle that breaks them (so the cohort test can fail)."""
    bad: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:1",
                "resource": {
                    "resourceType": "Observation",
                    "status": "finished",  # not an observation-status code
                    "code": {"text": "x"},
                    "subject": {"reference": "urn:uuid:2"},  # not in the Bundle
                    "valueQuantity": {"value": 1000, "unit": "mcg"},  # no UCUM
                },
            }
        ],
    }
    assert any("finished" in e for e in fc.schema_errors(bad))
    assert fc.quantity_problems(bad) and fc.reference_problems(bad) and fc.narrative_problems(bad)
    doc = DATA_MD.read_text(encoding="utf-8")
    assert fc.undocumented({("http://loinc.org", "99999-9"), ("urn:b12bot:nothing", "x")}, doc) == [
        ("http://loinc.org", "99999-9"),
        ("urn:b12bot:nothing", "x"),
    ]


def test_packaged_schema_is_the_one_in_shared() -> None:
    if not fc.SHARED_SCHEMA.is_file():
        pytest.skip("../shared/fhir is not beside this checkout (a user's own clone); the packaged copy is used")
    assert fc.schema_bytes() == fc.SHARED_SCHEMA.read_bytes(), "copy ../shared/fhir/fhir.schema.json again (gzip)"
