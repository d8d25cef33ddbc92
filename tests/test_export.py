"""`b12bot export`: one CSV per table for a team, aliases only, no Telegram ids, audited."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from services import export
from storage.models import AuditEvent
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all

PAT = VirtualUser(987654321, "Wilhelmina")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)


async def clinic(url: str) -> None:
    """A team with one enrolled patient who answered the baseline and got a day of reminders; a second team."""
    async with Sandbox(database_url=url, start=START) as sb:
        await team_with_member(sb)
        await team_with_member(sb, name="Other clinic")
        await invite(sb, alias="ZZ-9", team="Other clinic", start=date(2026, 10, 6))
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.send(sb.users.my_chat_member(PAT, status_new="kicked"))  # an unreachable flag


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def check(tables: dict[str, str]) -> None:
    assert sorted(tables) == ["codebook.csv", "doses.csv", "flags.csv", "patients.csv", "questionnaires.csv"]
    for name, text in tables.items():
        if name != "codebook.csv":
            assert text.splitlines()[0].split(",") == list(export.HEADERS[name.removesuffix(".csv")])
        for secret in (str(PAT.id), str(CLINICIAN.id), "Wilhelmina", "ZZ-9"):
            assert secret not in text, (name, secret)
    (patient,) = read(tables["patients.csv"])
    assert (patient["alias"], patient["status"], patient["reachable"]) == ("MK-17", "active", "False")
    assert "chat_id" not in patient
    (baseline,) = read(tables["questionnaires.csv"])
    assert (baseline["alias"], baseline["week"], baseline["pain"], baseline["numbness"], baseline["mnsi"]) == (
        "MK-17",
        "0",
        "6",
        "5",
        "2",
    )
    assert json.loads(baseline["answers"])["pain"] == 6
    # no B6 products: up to 0 mg/day, no lower bound (ranges are bounds, never an assumed figure)
    assert (baseline["b6_range"], baseline["b6_mg_per_day_above"], baseline["b6_mg_per_day_up_to"]) == ("", "", "0.0")
    (flag,) = read(tables["flags.csv"])
    assert (flag["alias"], flag["kind"], flag["acknowledged"], flag["assigned"]) == (
        "MK-17",
        "unreachable",
        "False",
        "False",
    )
    doses = read(tables["doses.csv"])
    assert doses and {d["alias"] for d in doses} == {"MK-17"}


async def test_collect_on_both_databases_is_audited(database_url: str, tmp_path: Path) -> None:
    await clinic(database_url)
    async with Sandbox(database_url=database_url, start=START) as sb:
        tables = await export.collect(
            sb.services.sessions, team="Neuro clinic", now=sb.clock(), target="dir", protocol=sb.services.protocol
        )
        written = export.write_dir(tables, tmp_path / "out", sb.services.protocol)
        check({p.name: p.read_text(encoding="utf-8") for p in written})
        async with sb.services.sessions() as session:
            (row,) = (await session.exec(select(AuditEvent).where(AuditEvent.action == "export"))).all()
        assert (row.actor, row.subject) == ("cli", "team:1")
        assert row.detail == {
            "format": "csv",
            "target": "dir",
            "rows": {"patients": 1, "doses": len(tables["doses"]), "questionnaires": 1, "flags": 1},
        }


def test_cli_writes_a_folder_or_a_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/b12bot.db"
    asyncio.run(clinic(url))
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "export"
    assert main(["export", "--team", "Neuro clinic", "--format", "csv", "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"]["patients"] == 1 and len(printed["files"]) == 5
    check({p.name: p.read_text(encoding="utf-8") for p in out.iterdir()})
    archive = tmp_path / "team.zip"
    assert main(["export", "--team", "Neuro clinic", "--zip", str(archive)]) == 0
    with zipfile.ZipFile(archive) as z:
        check({name: z.read(name).decode() for name in z.namelist()})
    assert main(["export", "--team", "Nobody", "--out", str(out)]) == 2
    assert "no team named 'Nobody'" in capsys.readouterr().err
    assert main(["export", "--team", "Neuro clinic", "--zip", str(tmp_path / "missing" / "t.zip")]) == 2
    assert list(tmp_path.glob("**/.*partial")) == []
