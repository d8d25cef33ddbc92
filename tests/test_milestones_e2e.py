"""Week-6 verdict alerts to the care team, for an improving and a non-improving patient.

To stay fast, the week-6 questionnaire is put in the agenda directly (as the planner would at week 6)
instead of living through six weeks; the patient answers it with the buttons, the real rules raise
the verdict flag and the tick sends the team its alert through the outbox.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import Outbox, Patient, Questionnaire
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all, weekly_codes

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
PATIENT = VirtualUser(2001, "Wilhelmina")


@pytest.mark.parametrize(
    ("pain", "pgic", "verdict", "suggestion"),
    [
        (2, 1, "verdict: good improvement", None),
        (6, 3, "verdict: poor improvement", "consider IM B12 or a higher oral dose"),
    ],
)
async def test_week_six_alert_gives_the_verdict_reasons_and_suggestions(
    database_url: str, pain: int, pgic: int, verdict: str, suggestion: str | None
) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PATIENT, await invite(sb, start=START.date() - timedelta(days=27)))
        await sb.tick()
        await answer_all(sb, PATIENT, BASELINE_ANSWERS)  # baseline pain 6
        async with sb.services.sessions() as session:
            patient = (await session.exec(select(Patient))).one()
            q = Questionnaire(patient_id=patient.id or 0, kind="weekly", week=6, due_at=sb.clock())
            session.add(q)
            await session.flush()
            session.add(
                Outbox(
                    kind="questionnaire",
                    dedupe_key=f"questionnaire:{q.id}",
                    chat_id=PATIENT.id,
                    patient_id=patient.id,
                    ref_id=q.id,
                    due_at=sb.clock(),
                    created_at=sb.clock(),
                )
            )
            await session.commit()
        await sb.run_for(timedelta(minutes=1))
        await answer_all(sb, PATIENT, weekly_codes(pain=pain, numbness=4, pgic=pgic, mnsi=True))
        await sb.run_for(timedelta(minutes=1))
        (alert,) = [m for m in sb.api.sent_to(CLINICIAN.id) if "week 6 milestone" in (m.text or "")]
        text = alert.text or ""
        assert f"MK-17: week 6 milestone, {verdict}" in text and "Wilhelmina" not in text
        assert (
            f"Pain 6 → {pain}" in text
            and "Doses confirmed (last 14 days)" in text
            and "baseline B12: not recorded" in text
        )
        assert (suggestion in text) if suggestion else "Suggestion" not in text
        assert sb.users.button_data(alert)[0].startswith("f1:")
        await sb.send(sb.users.press_button(CLINICIAN, alert, "Acknowledge"))
        assert "acknowledged by you" in (alert.text or "")
