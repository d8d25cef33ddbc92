"""`b12bot export --format redcap`: a data dictionary in REDCap's layout and records that import into a project
built from it (checked by parsing both with REDCap's documented rules, tests/redcap_rules.py)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent, DoseEvent, Patient
from tests import redcap_rules
from tests.helpers import CLINICIAN
from tests.test_export import PAT, START, clinic

REPEATING = {"questionnaire", "dose", "flag"}


def check(files: dict[str, str]) -> list[dict[str, str]]:
    """Both files pass REDCap's rules; the records, parsed."""
    dictionary, problems = redcap_rules.parse_dictionary(files["redcap_data_dictionary.csv"])
    assert problems == []
    assert dictionary.forms == ["enrolment", "questionnaire", "dose", "flag"]
    repeating = list(csv.DictReader(io.StringIO(files["redcap_repeating_instruments.csv"])))
    assert {r["form_name"] for r in repeating} == REPEATING
    assert redcap_rules.record_problems(files["redcap_records.csv"], dictionary, REPEATING) == []
    return list(csv.DictReader(io.StringIO(files["redcap_records.csv"])))


def test_cli_writes_a_dictionary_and_records_that_pass_redcaps_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/b12bot.db"
    asyncio.run(clinic(url))
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "redcap"
    assert main(["export", "--team", "Neuro clinic", "--format", "redcap", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "redcap"
    files = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    for text in files.values():
        for secret in (str(PAT.id), str(CLINICIAN.id), "Wilhelmina", "ZZ-9"):
            assert secret not in text
    records = check(files)
    by_form: dict[str, list[dict[str, str]]] = {}
    for row in records:
        by_form.setdefault(row["redcap_repeat_instrument"], []).append(row)
    (enrolment,) = by_form[""]
    assert (enrolment["record_id"], enrolment["status"], enrolment["reachable"]) == ("MK-17", "active", "0")
    (baseline,) = by_form["questionnaire"]
    assert (baseline["q_week"], baseline["pain"], baseline["numbness"], baseline["mnsi_total"]) == ("0", "6", "5", "2")
    assert (baseline["b6_products___none"], baseline["b6_products___b_complex"], baseline["b6_dose"]) == ("1", "0", "")
    assert baseline["b6_mg_per_day_up_to"] == "0" and baseline["b6_mg_per_day_above"] == ""
    (flag,) = by_form["flag"]
    assert (flag["flag_kind"], flag["flag_severity"], flag["redcap_repeat_instance"]) == ("unreachable", "warning", "1")

    async def db() -> tuple[int, dict[str, object] | None]:
        async with Sandbox(database_url=url, start=START) as sb, sb.services.sessions() as session:
            patient = (await session.exec(select(Patient).where(Patient.alias == "MK-17"))).one()
            doses = (await session.exec(select(DoseEvent).where(DoseEvent.patient_id == patient.id))).all()
            audit = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()))).first()
            return len(doses), audit.detail if audit else None

    count, detail = asyncio.run(db())
    assert [r["redcap_repeat_instance"] for r in by_form["dose"]] == [str(n) for n in range(1, count + 1)]
    assert detail == {"format": "redcap", "target": "dir", "patients": 1, "rows": len(records)}


def test_the_rules_catch_what_they_check() -> None:
    header = ",".join(f'"{h}"' for h in redcap_rules.HEADER)
    blank = "," * 8  # the columns after Text Validation Max
    bad = "\n".join(
        [
            header,
            f"record_id,enrolment,,text,Record ID,,,,,{blank}",
            f"Pain,enrolment,,text,Pain,,,integer,0,10{blank}",  # upper case
            f"mood,enrolment,,radio,Mood,good | bad,,,,{blank}",  # choices without codes
            ",".join(["why", "enrolment", "", "text", "Why", *[""] * 6, "[nothing] = '1'", *[""] * 6]),  # unknown field
        ]
    )
    _, problems = redcap_rules.parse_dictionary(bad + "\n")
    assert [p.split(":")[0] for p in problems] == ["Pain", "mood", "why"]
    good = "\n".join(
        [header, f"record_id,enrolment,,text,Record ID,,,,,{blank}", f"pain,visit,,text,Pain,,,integer,0,10{blank}"]
    )
    dictionary, problems = redcap_rules.parse_dictionary(good + "\n")
    assert problems == []
    records = "record_id,redcap_repeat_instrument,redcap_repeat_instance,pain\nA,visit,1,11\nA,,,3\n"
    assert redcap_rules.record_problems(records, dictionary, {"visit"}) == ["line 2: pain='11'", "line 3: pain='3'"]
