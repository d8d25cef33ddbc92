"""Verdict alerts to the care team: week 6 for an improving and a non-improving patient; week 12 for
issue 14's clarified rule (8 -> 6 with "much improved" is partial).

To stay fast, the milestone's questionnaire is put in the agenda directly (as the planner would at that week)
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


async def answer_milestone(sb: Sandbox, week: int, *, baseline: list[str], pain: int, pgic: int) -> str:
    """Enrol, answer the baseline, then the week's questionnaire put in the agenda; the team's verdict alert."""
    await team_with_member(sb)
    await enrol(sb, PATIENT, await invite(sb, start=START.date() - timedelta(days=27)))  # week 4 of therapy
    await sb.tick()
    await answer_all(sb, PATIENT, baseline)
    async with sb.services.sessions() as session:
        patient = (await session.exec(select(Patient))).one()
        q = Questionnaire(patient_id=patient.id or 0, kind="weekly", week=week, due_at=sb.clock())
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
    (alert,) = [m for m in sb.api.sent_to(CLINICIAN.id) if f"week {week} milestone" in (m.text or "")]
    return alert.text or ""


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
        text = await answer_milestone(sb, 6, baseline=BASELINE_ANSWERS, pain=pain, pgic=pgic)  # baseline pain 6
        assert f"MK-17: week 6 milestone, {verdict}" in text and "Wilhelmina" not in text
        assert (
            f"Pain 6 → {pain}" in text
            and "Doses confirmed (last 14 days)" in text
            and "baseline B12: not recorded" in text
        )
        assert (suggestion in text) if suggestion else "Suggestion" not in text
        (alert,) = [m for m in sb.api.sent_to(CLINICIAN.id) if "week 6 milestone" in (m.text or "")]
        assert sb.users.button_data(alert)[0].startswith("f1:")
        await sb.send(sb.users.press_button(CLINICIAN, alert, "Acknowledge"))
        assert "acknowledged by you" in (alert.text or "")


async def test_week_twelve_eight_to_six_much_improved_is_partial_not_poor(sqlite_url: str) -> None:
    """Issue 14's case: a 2-point fall from 8 (25%) is moderate (IMMPACT: >= 30% OR >= 2 points)."""
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        text = await answer_milestone(sb, 12, baseline=["8", *BASELINE_ANSWERS[1:]], pain=6, pgic=1)
        assert "MK-17: week 12 milestone, verdict: partial improvement" in text
        assert "Pain 8 → 6 (fell 2 points, 25%)" in text and "Impression of change: much better" in text
