"""A questionnaire as ONE message edited in place (issue 13, "Patients get fewer messages and taps"):
what the patient sees from the first question to the summary, what is left in the chat, stale presses,
the counter's total, and the question about injections asked only of patients who have injections."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import Questionnaire
from tests.helpers import enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all, current_question, tap, weekly_codes

PAT = VirtualUser(2001, "Wilhelmina")
ROSA = VirtualUser(2101, "Rosa", language_code="es")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; therapy starts Tuesday 6 Oct, 09:00 Berlin
WEEK1 = datetime(2026, 10, 13, 7, 0, 30, tzinfo=UTC)


def buttons(message: SentMessage) -> list[str]:
    return [b["text"] for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


async def row(sb: Sandbox, week: int) -> Questionnaire:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Questionnaire).where(Questionnaire.week == week))).one()


async def test_the_weekly_questions_stay_in_one_message_to_the_summary(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.run_until(WEEK1 - timedelta(seconds=29))  # the week-1 questions (the dose waits for them)
        message = current_question(sb, PAT)
        chat_before = len(sb.api.sent_to(PAT.id))
        totals, screens = set(), []
        for code in weekly_codes(pain=3, numbness=2, pgic=None):
            shown = sb.api.messages[(PAT.id, message.message_id)]
            screens.append(shown.text or "")
            totals.update(re.findall(r"Question \d+ of (\d+)", shown.text or ""))
            assert "« Back" in buttons(shown) or not screens[1:]  # from the second question on
            await tap(sb, PAT, code)
        assert totals == {"5"}  # one total from the first question to the last (B6 "none" skips the dose)
        assert "Question 1 of 5" in screens[0] and "Your answer: 3" in screens[1] and "Question 2 of 5" in screens[1]
        assert "Question 5 of 5" in screens[3] and "Your answer: None of these" in screens[3]  # 4 → 5: none
        summary = sb.api.messages[(PAT.id, message.message_id)]
        assert summary.reply_markup is None
        text = summary.text or ""
        assert "Thank you. That is all for now." in text and "Pain 3 · numbness or tingling 2 (0 to 10)" in text
        assert "Vitamin B6: None of these" in text and "Safety questions: nothing to report" in text
        assert "Help: /help" in text
        left = sb.api.sent_to(PAT.id)[chat_before - 1 :]  # from the questions on
        assert left[0].message_id == message.message_id
        assert all("Time for your vitamin B12" in (m.text or "") for m in left[1:])  # only the dose it held
        assert (await row(sb, 1)).message_id == message.message_id  # the message the questions live in
        assert sb.api.refusals == 0


async def test_back_later_continue_and_stale_presses_are_answered_kindly(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        first = current_question(sb, PAT)
        pain_buttons = sb.users.button_data(first)
        await tap(sb, PAT, "6")
        await sb.send(sb.users.press(PAT, first, pain_buttons[3]))  # the pain keyboard, pressed again late
        assert sb.api.callback_answers[-1][1] == (
            "This question is already answered. Use Back on the current question to change it."
        )
        assert (await row(sb, 0)).answers == {"pain": 6}
        await tap(sb, PAT, "b")
        assert "Going back to the previous question." in (sb.api.messages[(PAT.id, first.message_id)].text or "")
        await tap(sb, PAT, "7")
        await tap(sb, PAT, "l")  # Later: the same message says so and offers Continue
        paused = sb.api.messages[(PAT.id, first.message_id)]
        assert "Paused. Press Continue" in (paused.text or "") and buttons(paused) == ["Continue"]
        await sb.restart()  # the state is in the database: a new process carries on in the same message
        await sb.send(sb.users.press_button(PAT, paused, "Continue"))
        resumed = sb.api.messages[(PAT.id, first.message_id)]
        assert "Welcome back." in (resumed.text or "") and "Question 2 of 20" in (resumed.text or "")
        await sb.send(sb.users.text(PAT, "4"))  # a typed number edits the same message too
        assert "Your answer: 4" in (sb.api.messages[(PAT.id, first.message_id)].text or "")
        await answer_all(sb, PAT, BASELINE_ANSWERS[2:])
        assert "Thank you" in (sb.api.messages[(PAT.id, first.message_id)].text or "")
        await sb.send(sb.users.press(PAT, first, pain_buttons[0]))  # a press after the end
        assert sb.api.callback_answers[-1][1] == "These questions are closed."
        bot_messages = [m for m in sb.api.sent_to(PAT.id) if m.message_id >= first.message_id]
        assert len(bot_messages) == 1  # 20 answers, a correction, a pause and a restart: one message
        assert sb.api.refusals == 0


async def test_injections_are_asked_about_only_on_an_injection_regimen_in_spanish(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        token = await invite(sb, alias="RS-1", start=date(2026, 10, 6), regimen="im-hydroxo")
        await sb.send(sb.users.text(ROSA, f"/start {token}"))
        consent = sb.api.last_to(ROSA.id)
        assert consent is not None
        await sb.send(sb.users.press_button(ROSA, consent, "Estoy de acuerdo"))
        await sb.tick()
        assert "Question 1 of 20" in (current_question(sb, PAT).text or "")
        assert "Pregunta 1 de 20" in (current_question(sb, ROSA).text or "")
        await answer_all(sb, ROSA, BASELINE_ANSWERS[:-1])
        last = current_question(sb, ROSA).text or ""
        assert "Pregunta 20 de 20" in last and "inyección de B12" in last  # the screen lists the injection items
        await answer_all(sb, PAT, BASELINE_ANSWERS[:-1])
        assert "B12 injection" not in (current_question(sb, PAT).text or "")  # oral: not asked about injections
        await tap(sb, ROSA, "n")
        summary = sb.api.last_to(ROSA.id)
        assert summary is not None and "Gracias. Eso es todo por ahora." in (summary.text or "")
        assert "Sus respuestas:" in (summary.text or "") and "nada que señalar" in (summary.text or "")
        await answer_all(sb, PAT, BASELINE_ANSWERS[-1:])
        assert "rf_allergy_severe" not in (await row_of(sb, "MK-17")).answers
        assert (await row_of(sb, "RS-1")).answers["rf_allergy_severe"] is False


async def row_of(sb: Sandbox, alias: str) -> Questionnaire:
    from storage.models import Patient

    async with sb.services.sessions() as session:
        found = await session.exec(select(Questionnaire).join(Patient).where(Patient.alias == alias))
        return found.one()
