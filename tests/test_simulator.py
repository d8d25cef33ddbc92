"""The simulator as a test: one patient per profile; each profile does what CLINICAL.md expects.

To keep `make test` within its time budget the whole cohort runs 7 weeks (past the week-6 verdict), and
the improving patient alone runs 13 weeks for the week-12 verdict; `b12bot simulate --weeks 24` runs the
whole course (see bench/README.md for its timing).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.sandbox.harness import Sandbox
from bot.simulate.clinic import START, Clinic, Config
from bot.simulate.profiles import PROFILES
from bot.simulate.report import summary
from storage.models import AuditEvent, Flag, Patient

WEEKS = 7


async def test_every_profile_produces_what_the_protocol_expects(sqlite_url: str, tmp_path: Path) -> None:
    transcript = tmp_path / "transcript.txt"
    config = Config(len(PROFILES), WEEKS, 7, PROFILES, sqlite_url, transcript)
    with transcript.open("w", encoding="utf-8") as out:
        async with Sandbox(database_url=sqlite_url, start=START) as sb:
            clinic = Clinic(sb, config, out)
            await clinic.run(None)
            data = await summary(clinic, wall_seconds=0)
            async with sb.services.sessions() as session:
                flags = (await session.exec(select(Flag, Patient.alias).join(Patient))).all()
                blocked = (
                    await session.exec(select(AuditEvent).where(AuditEvent.action == "patient.unreachable"))
                ).all()
            api = sb.api
            people = {p.patient.profile: p for p in clinic.people}
    profile = data["by_profile"]
    kinds = {name: set(entry["flags"]) for name, entry in profile.items()}
    assert "b6_intake" in kinds["high_b6"] and "b6_unsure" in kinds["high_b6"]
    assert profile["improving"]["verdicts"]["week6"] == {"good": 1}
    assert profile["not_improving"]["verdicts"]["week6"] == {"poor": 1}
    assert "low_adherence" in kinds["forgetful"] and profile["forgetful"]["adherence"] < 0.8
    assert "missed_questionnaires" in kinds["silent"]
    assert "worsening" in kinds["worsening"]
    assert "unreachable" in kinds["blocks"] and len(blocked) == 1
    assert "red_flag" in kinds["red_flag"]
    # blocked: nothing was sent to that chat after the block
    blocker = people["blocks"].user.id
    after = [m for m in api.sent_to(blocker) if m.date > blocked[0].at]
    assert after == []
    # red flag: the urgent alert reached the clinician within one tick of the answer
    (red,) = [f for f, alias in flags if f.kind == "red_flag"]
    alerts = [m for m in api.sent_to(600_001) if "Urgent" in (m.text or "")]
    assert alerts and alerts[0].date - red.raised_at <= timedelta(seconds=5)
    assert data["digests_sent"] >= WEEKS * 7 - 1 and data["questionnaires_completed"] > 30
    text = transcript.read_text(encoding="utf-8")
    assert "bot→SIM-001: Time for your vitamin B12" in text and "SIM-001: answers" in text


async def test_improving_patient_reaches_a_good_verdict_at_week_twelve(sqlite_url: str) -> None:
    from bot.simulate.run import simulate

    data = await simulate(Config(1, 13, 7, ("improving",), sqlite_url))
    assert data["by_profile"]["improving"]["verdicts"]["week12"] == {"good": 1}


async def test_same_seed_same_result(tmp_path: Path) -> None:
    from bot.simulate.run import simulate

    runs = [await simulate(Config(2, 1, 11, PROFILES[:2], f"sqlite:///{tmp_path}/{i}.db")) for i in range(2)]
    for run in runs:
        run.pop("wall_seconds")
    assert runs[0] == runs[1]
