"""`b12bot export --format fhir`: a FHIR R4 (fhir.resources R4B) Bundle per patient that parses back."""

from __future__ import annotations

import asyncio
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import select

from bot.cli import main
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, NO_RED_FLAGS, answer_all

PAT = VirtualUser(987654321, "Wilhelmina")
ERIN = VirtualUser(987654322, "Erin")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)


async def clinic(url: str) -> None:
    """MK-17: baseline answered, two doses taken (one oral regimen); EE-1: the same, then erased."""
    async with Sandbox(database_url=url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await enrol(sb, ERIN, await invite(sb, alias="EE-1", start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await answer_all(sb, ERIN, BASELINE_ANSWERS)
        for day in (6, 7):
            await sb.run_until(datetime(2026, 10, day, 7, 0, 5, tzinfo=UTC))
            for user in (PAT, ERIN):
                await sb.send(sb.users.press_button(user, sb.api.last_to(user.id), "Taken"))  # type: ignore[arg-type]
        await sb.run_until(datetime(2026, 10, 8, 7, 0, 5, tzinfo=UTC))  # a third reminder, unanswered
        await sb.send(sb.users.text(ERIN, "/delete_my_data"))
        await sb.send(sb.users.press_button(ERIN, sb.api.last_to(ERIN.id), "Delete my data"))  # type: ignore[arg-type]
        await sb.run_for(timedelta(minutes=1))


def resources(bundle: Bundle) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    for entry in bundle.entry or []:
        data = entry.resource.model_dump(mode="json")  # type: ignore[union-attr]
        found.setdefault(str(data["resourceType"]), []).append(data)
    return found


async def test_fhir_export_parses_back_with_the_expected_resources(database_url: str, tmp_path: Path) -> None:
    from services import fhir_export

    await clinic(database_url)
    async with Sandbox(database_url=database_url, start=START + timedelta(days=4)) as sb:
        bundles = await fhir_export.collect(
            sb.services.sessions, team="Neuro clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        files = fhir_export.write(bundles, out=tmp_path / "fhir", zip_file=None)
        async with sb.services.sessions() as session:
            rows = (await session.exec(select(AuditEvent).where(AuditEvent.action == "export"))).all()
    assert [Path(f).name for f in files] == ["MK-17.json"]  # the erased patient exports nothing
    assert [r.detail for r in rows] == [{"format": "fhir", "target": "dir", "patients": 1}]
    text = (tmp_path / "fhir" / "MK-17.json").read_text()
    for secret in (str(PAT.id), str(ERIN.id), str(CLINICIAN.id), "Wilhelmina", "EE-1", "erased"):
        assert secret not in text, secret
    bundle = Bundle.model_validate(json.loads(text))  # parses back
    assert bundle.type == "collection"
    found = resources(bundle)
    (patient,) = found["Patient"]
    assert patient["identifier"][0]["value"] == "MK-17" and "name" not in patient  # type: ignore[index]
    assert "telecom" not in patient
    (statement,) = found["MedicationStatement"]
    assert statement["medicationCodeableConcept"]["text"] == "cyanocobalamin"  # type: ignore[index]
    assert statement["dosage"][0]["text"] == "1000 mcg oral daily"  # type: ignore[index]
    assert statement["dosage"][0]["route"]["text"] == "oral"  # type: ignore[index]
    given = found["MedicationAdministration"]
    # every dose: two taken, the third reminder awaiting an answer, the next one planned
    assert sorted(str(g["status"]) for g in given) == ["completed", "completed", "unknown", "unknown"]
    (response,) = found["QuestionnaireResponse"]
    answers = {i["linkId"]: i["answer"] for i in response["item"]}  # type: ignore[attr-defined]
    assert answers["pain"] == [{"valueInteger": 6}] and answers["numbness"] == [{"valueInteger": 5}]
    assert answers["mnsi_1"] == [{"valueBoolean": False}]
    scores = {o["code"]["text"]: o for o in found["Observation"]}  # type: ignore[index]
    assert scores["pain"]["valueInteger"] == 6 and scores["mnsi"]["valueInteger"] == 2
    assert scores["mnsi_abnormal"]["valueBoolean"] is False
    subject = {e.fullUrl for e in bundle.entry or [] if e.resource.get_resource_type() == "Patient"}  # type: ignore[union-attr]
    refs = {r["subject"]["reference"] for kind in found for r in found[kind] if "subject" in r}  # type: ignore[index]
    assert refs == subject


def test_fhir_export_cli_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/b12bot.db"
    asyncio.run(clinic(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_USERNAME", "clinic_b12_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    target = tmp_path / "fhir.zip"
    assert main(["export", "--team", "Neuro clinic", "--format", "fhir", "--zip", str(target), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"team": "Neuro clinic", "format": "fhir", "files": ["MK-17.json"], "patients": 1}
    with zipfile.ZipFile(target) as archive:
        bundle = Bundle.model_validate_json(archive.read("MK-17.json"))
    given = resources(bundle)["MedicationAdministration"]
    assert [g["status"] for g in given].count("completed") == 2


async def test_questionnaire_definitions_b6_range_and_baseline_b12(sqlite_url: str) -> None:
    """The Questionnaire as asked (order, repeats, enableWhen, url|version), a B6 range and the baseline B12."""
    from care.instruments import questionnaire_items
    from services import fhir_export
    from storage.models import Patient

    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        b6 = ["t0", "t2", "d", "4"]  # B complex and magnesium with B6, 100 to 500 mg a day
        await answer_all(sb, PAT, ["6", "5"] + ["n"] * 15 + b6 + NO_RED_FLAGS)
        async with sb.services.sessions() as session:
            (patient,) = (await session.exec(select(Patient))).all()
            # as /enrol stores "180 ng/L 2026-09-30"
            patient.baseline_b12_value, patient.baseline_b12_unit = 180.0, "ng/L"
            patient.baseline_b12_date = date(2026, 9, 30)
            session.add(patient)
            await session.commit()
        bundles = await fhir_export.collect(
            sb.services.sessions, team="Neuro clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        asked = [i.key for i in questionnaire_items("baseline", 0, sb.services.protocol, injections=False)]
    found = resources(bundles["MK-17"])
    (definition,) = found["Questionnaire"]
    items = {i["linkId"]: i for i in definition["item"]}  # type: ignore[attr-defined]
    assert list(items) == asked and asked != sorted(asked)  # in the order asked, not sorted
    assert items["b6_products"]["repeats"] is True and "repeats" not in items["pain"]
    (condition,) = items["b6_dose"]["enableWhen"]
    assert (condition["question"], condition["operator"], condition["answerCoding"]["code"]) == (
        "b6_products",
        "!=",
        "none",
    )
    assert items["pain"]["code"][1]["code"] == "72514-3" and items["pain"]["type"] == "integer"
    assert [o["valueCoding"]["code"] for o in items["b6_dose"]["answerOption"]][-2:] == ["over_500", "not_sure"]
    (response,) = found["QuestionnaireResponse"]
    assert response["questionnaire"] == f"{definition['url']}|{definition['version']}"
    answered = [i["linkId"] for i in response["item"]]  # type: ignore[attr-defined]
    assert answered == asked  # every item answered, in the order asked
    products = next(i for i in response["item"] if i["linkId"] == "b6_products")  # type: ignore[attr-defined]
    assert [a["valueCoding"]["code"] for a in products["answer"]] == ["b_complex", "magnesium_b6"]
    by_code = {c["code"]: o for o in found["Observation"] for c in o["code"]["coding"]}  # type: ignore[index]
    intake = by_code["b6_intake"]
    assert intake["valueRange"]["low"]["value"] == 100 and intake["valueRange"]["high"]["value"] == 500  # type: ignore[index]
    assert intake["valueRange"]["high"]["code"] == "mg/d" and "valueQuantity" not in intake  # type: ignore[index]
    b12 = by_code["2132-9"]
    assert b12["valueQuantity"] == {
        "value": 180.0,
        "unit": "ng/L",
        "system": "http://unitsofmeasure.org",
        "code": "ng/L",
    }
    assert b12["effectiveDateTime"] == "2026-09-30" and b12["category"][0]["coding"][0]["code"] == "laboratory"  # type: ignore[index]
