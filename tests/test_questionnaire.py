"""The questionnaire end to end: baseline after consent, weekly, corrections, pause, expiry, flags, alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import DoseEvent, Flag, Questionnaire
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import (
    BASELINE_ANSWERS,
    BEFORE_RED_FLAGS,
    NO_RED_FLAGS,
    answer_all,
    current_question,
    red_flags,
    tap,
    weekly_codes,
)

PAT = VirtualUser(2001, "Wilhelmina")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; therapy starts Tuesday 6 Oct, 09:00 Berlin
WEEK1 = datetime(2026, 10, 13, 7, 0, 30, tzinfo=UTC)


async def rows(sb: Sandbox) -> list[Questionnaire]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(Questionnaire).order_by(col(Questionnaire.week)))).all())


async def flags(sb: Sandbox) -> list[Flag]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(Flag).order_by(col(Flag.id)))).all())


def texts(sb: Sandbox, user: VirtualUser) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(user.id)]


async def started(sb: Sandbox) -> None:
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
    await sb.tick()  # the baseline goes out through the outbox


async def test_baseline_right_after_consent_with_a_correction_and_a_typed_number(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        first = current_question(sb, PAT)
        assert "Before we start" in (first.text or "") and "Question 1 of 20" in (first.text or "")
        assert "0 = no pain" in (first.text or "") and len(sb.users.button_data(first)) == 12  # 0-10 and Later
        await tap(sb, PAT, "7")
        edited = sb.api.messages[(PAT.id, first.message_id)]  # the same message, edited to the next question
        assert "Your answer: 7" in (edited.text or "") and "Question 2 of 20" in (edited.text or "")
        assert "« Back" in [b["text"] for row in (edited.reply_markup or {})["inline_keyboard"] for b in row]
        await tap(sb, PAT, "b")  # back: pain is asked again
        again = current_question(sb, PAT)
        assert again.message_id == first.message_id
        assert "Question 1 of 20" in (again.text or "") and "how bad was your pain" in (again.text or "")
        await sb.send(sb.users.text(PAT, "6"))  # a typed number is accepted for a 0-10 item
        await sb.send(sb.users.text(PAT, "quite bad"))  # free text gets a pointer to the buttons
        assert "type a number from 0 to 10" in texts(sb, PAT)[-1]
        await answer_all(sb, PAT, BASELINE_ANSWERS[1:])
        summary = sb.api.messages[(PAT.id, first.message_id)].text or ""
        assert "Thank you. That is all for now" in summary and "Pain 6 · numbness or tingling 5" in summary
        assert "Vitamin B6: None of these" in summary and "Safety questions: nothing to report" in summary
        chat = sb.api.sent_to(PAT.id)
        questionnaire_messages = chat[chat.index(first) :]
        assert len(questionnaire_messages) == 2  # the questions, and the pointer to the buttons for 'quite bad'
        baseline = (await rows(sb))[0]
        assert baseline.status == "completed" and baseline.answers["pain"] == 6
        assert baseline.score is not None and baseline.score["mnsi"] == 2  # all "no": items 7 and 13 score
        assert baseline.answers["b6_products"] == ["none"] and "b6_dose" not in baseline.answers
        assert await flags(sb) == []
        assert sb.api.refusals == 0


async def test_weekly_questionnaire_on_the_therapy_weekday_with_pgic_from_week_two(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.run_until(WEEK1)
        week1 = current_question(sb, PAT)
        assert "this week's questions (week 1)" in (week1.text or "") and "Question 1 of 5" in (week1.text or "")
        assert week1.date == datetime(2026, 10, 13, 7, 0, tzinfo=UTC)  # Tuesday 09:00 Berlin
        await answer_all(sb, PAT, weekly_codes(pain=5, numbness=5, pgic=None))
        await sb.run_until(WEEK1 + timedelta(days=7))
        week2 = current_question(sb, PAT)
        assert "Question 1 of 6" in (week2.text or "")
        await answer_all(sb, PAT, weekly_codes(pain=2, numbness=3, pgic=1))
        done = await rows(sb)
        assert [q.status for q in done] == ["completed"] * 3 and done[2].answers["pgic"] == "much_improved"


async def test_pause_and_resume_across_a_restart(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, ["6", "5"])
        before = len(sb.api.sent_to(PAT.id))
        await tap(sb, PAT, "l")  # Later
        paused = sb.api.last_to(PAT.id)
        assert "Paused. Press Continue" in (paused.text or "") and len(sb.api.sent_to(PAT.id)) == before
        await sb.restart()
        await sb.send(sb.users.press_button(PAT, paused, "Continue"))
        resumed = current_question(sb, PAT)
        assert "Question 3 of 20" in (resumed.text or "") and "legs or feet numb" in (resumed.text or "")
        assert resumed.message_id == paused.message_id
        await answer_all(sb, PAT, BASELINE_ANSWERS[2:])
        assert (await rows(sb))[0].status == "completed"


async def test_expiry_tells_the_patient_and_two_missed_in_a_row_is_a_flag(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.run_until(WEEK1 + timedelta(days=3, minutes=1))
        assert any("questions have closed" in t for t in texts(sb, PAT))
        assert [f.kind for f in await flags(sb)] == []
        await sb.run_until(WEEK1 + timedelta(days=10, minutes=1))
        statuses = [q.status for q in await rows(sb)]
        assert statuses[:3] == ["completed", "expired", "expired"]
        missed = [f for f in await flags(sb) if f.kind == "missed_questionnaires"]
        assert len(missed) == 1 and missed[0].severity == "warning" and missed[0].facts["weeks"] == [1, 2]


async def test_red_flag_advises_the_patient_at_once_and_alerts_the_team_within_one_tick(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, [*BEFORE_RED_FLAGS, *red_flags(3)])  # sudden severe chest pain: yes
        advice = texts(sb, PAT)[-1]  # the summary in place, then the advice below it
        assert "Please call 112 now" in advice and "Safety questions: you reported" in texts(sb, PAT)[-2]
        assert "will contact you" not in advice and "not watched around the clock" in advice
        before = len(sb.api.sent_to(CLINICIAN.id))
        await sb.tick()
        alerts = [m.text or "" for m in sb.api.sent_to(CLINICIAN.id)[before:]]
        assert len(alerts) == 1 and "Urgent · patient MK-17" in alerts[0] and "aortic" in alerts[0]
        assert "Wilhelmina" not in alerts[0]  # the alias only, never the Telegram name
        await sb.tick()
        assert len(sb.api.sent_to(CLINICIAN.id)) == before + 1  # completing does not alert the same flag twice
        (flag,) = await flags(sb)
        assert flag.kind == "red_flag" and flag.severity == "urgent"


async def test_b6_tiers_reached_by_answers(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, [*BASELINE_ANSWERS[:17], "t0", "t2", "d", "3", *NO_RED_FLAGS])  # 50-100 mg
        (warning,) = await flags(sb)
        assert (warning.kind, warning.severity, warning.facts["total_mg_per_day"]) == ("b6_intake", "warning", 100.0)
        await sb.run_until(WEEK1)
        await answer_all(sb, PAT, weekly_codes(pain=6, numbness=5, pgic=None, b6=["t0", "d", "5"]))  # over 500
        urgent = [f for f in await flags(sb) if f.severity == "urgent"]
        assert len(urgent) == 1 and urgent[0].facts["source_threshold_reached"] is True
        await sb.tick()
        alert = sb.api.last_to(CLINICIAN.id).text or ""
        assert "above 100 mg/day" in alert and "500 mg/day that the clinical source names" in alert
        await sb.run_until(WEEK1 + timedelta(days=7))
        await answer_all(sb, PAT, weekly_codes(pain=6, numbness=5, pgic=3, b6=["t1", "d", "6"]))  # not sure
        assert any(f.kind == "b6_unsure" for f in await flags(sb))


async def test_dose_reminders_wait_while_a_questionnaire_is_answered(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await started(sb)
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.run_until(WEEK1 - timedelta(seconds=29))  # the weekly questionnaire and the dose share 09:00
        await sb.tick()
        await tap(sb, PAT, "4")
        reminders = sum("Time for your vitamin B12" in t for t in texts(sb, PAT))
        await sb.run_until(WEEK1 + timedelta(minutes=3))
        assert sum("Time for your vitamin B12" in t for t in texts(sb, PAT)) == reminders  # held back
        await answer_all(sb, PAT, weekly_codes(pain=4, numbness=4, pgic=None)[1:])
        await sb.tick()
        assert "Time for your vitamin B12" in texts(sb, PAT)[-1]  # delivered right after
        async with sb.services.sessions() as session:
            dose = (
                await session.exec(select(DoseEvent).where(col(DoseEvent.due_at) == WEEK1 - timedelta(seconds=30)))
            ).one()
        assert dose.status == "sent" and not dose.late
