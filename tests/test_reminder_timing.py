"""Dose reminders as the patient sees them around questionnaires and at the end of the day (issue 13):
never before their time, no apology for a wait the bot chose itself, and no live buttons once the
day's window has closed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import DoseEvent
from tests.helpers import invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all, tap

PAT = VirtualUser(2001, "Pat")
ROSA = VirtualUser(2101, "Rosa", language_code="es")
DAY = date(2026, 11, 3)  # Berlin on CET: 09:00 there is 08:00 UTC
NINE = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def reminders(sb: Sandbox, user: VirtualUser = PAT) -> list[SentMessage]:
    return [
        m for m in sb.api.sent_to(user.id) if "Time for your vitamin B12" in (m.text or "") or "B12:" in (m.text or "")
    ]


async def dose_rows(sb: Sandbox) -> list[DoseEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all())


async def consented(sb: Sandbox, user: VirtualUser = PAT) -> None:
    await team_with_member(sb)
    token = await invite(sb, start=DAY, at=time(9))
    await sb.send(sb.users.text(user, f"/start {token}"))
    consent = sb.api.last_to(user.id)
    assert consent is not None
    await sb.send(sb.users.press(user, consent, sb.users.button_data(consent)[0]))
    await sb.tick()  # the baseline questionnaire


async def test_finishing_the_questions_never_sends_a_reminder_before_its_time(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(seconds=90)) as sb:
        await consented(sb)
        await answer_all(sb, PAT, BASELINE_ANSWERS)  # done 90 s before the 09:00 dose
        await sb.run_until(NINE + timedelta(minutes=5))
        (reminder,) = reminders(sb)
        assert reminder.date >= NINE, reminder.date  # not pulled forward: it was never held back


async def test_a_reminder_held_while_the_patient_answers_comes_right_after_without_an_apology(
    database_url: str,
) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(minutes=1)) as sb:
        await consented(sb)
        for minutes, code in ((0, "6"), (8, "5"), (16, "n"), (24, "n")):  # a slow patient: 25 minutes
            await sb.run_until(NINE + timedelta(minutes=minutes))
            await tap(sb, PAT, code)
        assert reminders(sb) == []  # held back while the questions are answered
        await answer_all(sb, PAT, BASELINE_ANSWERS[4:])
        await sb.tick()
        (reminder,) = reminders(sb)
        assert reminder.date == NINE + timedelta(minutes=24)  # right after the last answer
        assert "late" not in (reminder.text or "") and "sorry" not in (reminder.text or "")
        (dose, *_) = await dose_rows(sb)
        assert dose.status == "sent" and not dose.late


async def test_a_closed_reminder_loses_its_buttons_and_a_press_says_it_is_closed(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(minutes=1)) as sb:
        await consented(sb)
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.run_until(NINE + timedelta(hours=3))  # the reminder and its nudge, both unanswered
        reminder = reminders(sb)[0]
        nudge = next(m for m in sb.api.sent_to(PAT.id) if "gentle reminder" in (m.text or ""))
        data = sb.users.button_data(reminder)
        assert data and sb.users.button_data(nudge)
        await sb.run_until(datetime(2026, 11, 3, 23, 1, tzinfo=UTC))  # midnight in Berlin: the day closes
        closed = sb.api.messages[(PAT.id, reminder.message_id)]
        assert closed.reply_markup is None and sb.api.messages[(PAT.id, nudge.message_id)].reply_markup is None
        assert "Time for your vitamin B12" in (closed.text or "") and "Not confirmed." in (closed.text or "")
        await sb.send(sb.users.press(PAT, reminder, data[0]))  # a press on the old keyboard (another device)
        assert sb.api.callback_answers[-1][1] == "This dose is closed. Your care team will see it as not confirmed."
        (dose, *_) = await dose_rows(sb)
        assert dose.status == "unconfirmed" and dose.answered_at is None
        assert sb.api.refusals == 0


async def test_a_closed_reminder_in_spanish(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NINE - timedelta(minutes=1)) as sb:
        await consented(sb, ROSA)
        await answer_all(sb, ROSA, BASELINE_ANSWERS)
        await sb.run_until(datetime(2026, 11, 3, 23, 1, tzinfo=UTC))
        reminder = next(m for m in sb.api.sent_to(ROSA.id) if "No confirmada" in (m.text or ""))
        assert reminder.reply_markup is None and "No confirmada. Esta dosis ya está cerrada" in (reminder.text or "")
