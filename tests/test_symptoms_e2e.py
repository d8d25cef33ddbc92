"""The red-flag screen at any time (issue 14): /symptoms, "Report a symptom" under /help and every reminder,
advice per symptom from CLINICAL.md, the team's reading hours, urgent alerts, audit rows; English, Spanish
and Russian; forged and stale presses; a restart mid-screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, Dialogue, Flag
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BEFORE_RED_FLAGS, answer_all, current_question, tap
from tests.qhelpers import red_flags as red_flag_taps

PAT = VirtualUser(2001, "Wilhelmina")
ROSA = VirtualUser(2002, "Rosa", language_code="es")
OLGA = VirtualUser(2003, "Olga", language_code="ru")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday


def texts(sb: Sandbox, chat: int) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(chat)]


def screen(sb: Sandbox, user: VirtualUser) -> SentMessage:
    """The newest red-flag screen in the chat (its buttons carry r1:<id>:<nonce>:<code>)."""
    for message in reversed(sb.api.sent_to(user.id)):
        if any(d.startswith("r1:") and d.count(":") == 3 for d in sb.users.button_data(message)):
            return sb.api.messages[(user.id, message.message_id)]
    raise AssertionError("no red-flag screen in the chat")


async def press(sb: Sandbox, user: VirtualUser, code: str, message: SentMessage | None = None) -> None:
    shown = message or screen(sb, user)
    data = next(d for d in sb.users.button_data(shown) if d.split(":")[-1] == code)
    await sb.send(sb.users.press(user, shown, data))


async def enrol_es(sb: Sandbox, user: VirtualUser, token: str) -> None:
    await sb.send(sb.users.text(user, f"/start {token}"))
    await sb.send(sb.users.press_button(user, sb.api.last_to(user.id), "Estoy de acuerdo"))  # type: ignore[arg-type]


async def red_flags(sb: Sandbox) -> list[Flag]:
    async with sb.services.sessions() as session:
        query = select(Flag).where(Flag.kind == "red_flag").order_by(col(Flag.id))
        return list((await session.exec(query)).all())


async def trail(sb: Sandbox, prefix: str) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        found = await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
        return [a for a in found.all() if a.action.startswith(prefix)]


async def test_none_of_these_is_one_tap_and_nothing_is_raised(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.send(sb.users.text(PAT, "/symptoms"))
        shown = screen(sb, PAT)
        text = shown.text or ""
        assert text.startswith("⚠️ This is not a diagnosis. This chat is not watched around the clock.")
        assert "call your local emergency number" in text and "Do you have any of these now?" in text
        assert "6. Loss of bladder or bowel control" in text and "7. A lot of trouble with balance" in text
        assert "B12 injection" not in text  # oral B12: no question about reactions after an injection
        assert [b["text"] for b in sb.users.buttons(shown)] == ["None of these", "Yes, one or more", "Close"]
        none_of_these = sb.users.button_data(shown)[0]
        await press(sb, PAT, "n")
        assert (sb.api.messages[(PAT.id, shown.message_id)].text or "").startswith("Thank you. Nothing to report.")
        assert await red_flags(sb) == []
        assert [(a.action, a.detail) for a in await trail(sb, "symptoms.")] == [
            ("symptoms.open", {"via": "command"}),
            ("symptoms.nothing", {"symptoms": 0}),
        ]
        await sb.send(sb.users.press(PAT, shown, none_of_these))  # the closed screen, pressed again
        assert sb.api.callback_answers[-1][1] == "This list is closed. Send /symptoms to open it again."
        assert (await trail(sb, "symptoms.press"))[-1].outcome == "refused"
        assert sb.api.refusals == 0


async def test_tendon_and_imbalance_get_their_own_advice_the_team_hours_and_urgent_alerts(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(CLINICIAN, "/team_hours Mon-Fri 08:00-17:00"))
        assert "are now Mon-Fri 08:00-17:00 (Europe/Berlin)" in texts(sb, CLINICIAN.id)[-1]
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.send(sb.users.text(PAT, "/help"))
        help_message = sb.api.last_to(PAT.id)
        assert help_message is not None and "/symptoms: report a symptom" in (help_message.text or "")
        await sb.send(sb.users.press_button(PAT, help_message, "⚠️ Report a symptom"))
        await press(sb, PAT, "y")
        picking = screen(sb, PAT)
        labels = [b["text"] for b in sb.users.buttons(picking)]
        assert labels[0] == "1. Tendon pain or swelling" and labels[-1] == "« Back" and "Done" not in labels
        await press(sb, PAT, "t0")
        await press(sb, PAT, "t6")  # balance, without loss of bladder or bowel control
        await press(sb, PAT, "t3")
        await press(sb, PAT, "t3")  # chest pain, tapped again: unmarked
        marked = [b["text"] for b in sb.users.buttons(screen(sb, PAT)) if b["text"].startswith("✓")]
        assert marked == ["✓ 1. Tendon pain or swelling", "✓ 7. Balance"]
        await press(sb, PAT, "d")
        advice = texts(sb, PAT.id)[-1]
        assert "Rest the painful limb. Avoid exercise and any strenuous use of it. Contact your doctor today." in advice
        assert "call 112 now" not in advice and "Please call" not in advice  # neither is an emergency
        assert "Your care team reads this chat Mon-Fri 08:00-17:00 (Europe/Berlin)." in advice
        assert "Outside those hours, call your doctor" in advice and "in an emergency, call 112" in advice
        assert "will contact you" not in advice and advice.endswith("/stop")
        flags = await red_flags(sb)
        assert [(f.facts["item"], f.severity, f.facts["emergency"]) for f in flags] == [
            ("rf_tendon", "urgent", False),
            ("rf_imbalance", "urgent", False),
        ]
        assert flags[0].episode.startswith("symptoms:2026-10-05T12:00:00")
        before = len(texts(sb, CLINICIAN.id))
        await sb.tick()
        alerts = texts(sb, CLINICIAN.id)[before:]
        assert len(alerts) == 2 and all("Urgent · patient MK-17" in a for a in alerts)
        (imbalance,) = [a for a in alerts if "marked imbalance" in a]  # alerts go out in any order
        assert "contact their doctor today" in imbalance
        assert [a.detail for a in await trail(sb, "symptoms.reported")] == [{"symptoms": 2}]


async def test_a_reminder_offers_report_a_symptom_and_spanish_emergency_advice(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol_es(sb, ROSA, await invite(sb, alias="RS-1", start=date(2026, 10, 6)))
        await sb.run_until(datetime(2026, 10, 6, 7, 1, tzinfo=UTC))  # the first reminder, 09:00 Berlin
        reminder = next(m for m in reversed(sb.api.sent_to(ROSA.id)) if "vitamina B12" in (m.text or ""))
        await sb.send(sb.users.press_button(ROSA, reminder, "⚠️ Avisar de un síntoma"))
        text = screen(sb, ROSA).text or ""
        assert text.startswith("⚠️ Esto no es un diagnóstico.") and "¿Tiene ahora alguno de estos?" in text
        await press(sb, ROSA, "y")
        await press(sb, ROSA, "t5")  # loss of bladder or bowel control: an emergency
        await press(sb, ROSA, "d")
        advice = texts(sb, ROSA.id)[-1]
        assert advice.startswith("🚨 Llame ahora al 112. No espere una respuesta en este chat.")
        assert "Nadie lee este chat a todas horas" in advice  # the team has no hours set
        (flag,) = await red_flags(sb)
        assert (flag.facts["item"], flag.facts["emergency"]) == ("rf_bladder_bowel", True)


async def test_injection_items_split_by_breathing_or_swelling_in_russian(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        token = await invite(sb, alias="OL-3", regimen="im-hydroxo", start=date(2026, 10, 6), tz="America/New_York")
        await sb.send(sb.users.text(OLGA, f"/start {token}"))
        await sb.send(sb.users.press_button(OLGA, sb.api.last_to(OLGA.id), "Я даю согласие"))  # type: ignore[arg-type]
        await sb.send(sb.users.text(OLGA, "/symptoms"))
        text = screen(sb, OLGA).text or ""
        assert "9. После укола B12: трудно дышать" in text and "10. После укола B12: только сыпь" in text
        await press(sb, OLGA, "y")
        await press(sb, OLGA, "t9")  # a rash alone: the doctor today
        await press(sb, OLGA, "d")
        rash = texts(sb, OLGA.id)[-1]
        assert "Пожалуйста, свяжитесь с вашим врачом сегодня." in rash and "🚨" not in rash
        await sb.send(sb.users.text(OLGA, "/symptoms"))
        await press(sb, OLGA, "y")
        await press(sb, OLGA, "t8")  # trouble breathing or swelling after the injection: an emergency
        await press(sb, OLGA, "d")
        assert texts(sb, OLGA.id)[-1].startswith("🚨 Пожалуйста, позвоните сейчас по номеру 911.")  # New York
        assert [f.facts["item"] for f in await red_flags(sb)] == ["rf_allergy_rash", "rf_allergy_severe"]


async def test_a_restart_mid_screen_and_stale_or_foreign_presses(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await enrol_es(sb, ROSA, await invite(sb, alias="RS-1", start=date(2026, 10, 6)))
        await sb.send(sb.users.text(PAT, "/symptoms"))
        first = screen(sb, PAT)
        await press(sb, PAT, "y")
        await press(sb, PAT, "t1")
        await sb.restart()  # the screen's state is a row: a new process carries on
        await press(sb, PAT, "t4")
        await sb.send(sb.users.press(ROSA, first, sb.users.button_data(screen(sb, PAT))[0]))  # not Rosa's
        assert sb.api.callback_answers[-1][1] == "Lo siento, este botón no es para usted."  # in her language
        await press(sb, PAT, "d")
        assert [f.facts["item"] for f in await red_flags(sb)] == ["rf_weakness", "rf_confusion_self_harm"]
        await sb.send(sb.users.text(PAT, "/symptoms"))
        second = screen(sb, PAT)
        await sb.send(sb.users.text(PAT, "/symptoms"))  # a newer screen closes the older one
        await press(sb, PAT, "n", second)
        assert sb.api.callback_answers[-1][1] == "This list is closed. Send /symptoms to open it again."
        async with sb.services.sessions() as session:
            (row,) = (await session.exec(select(Dialogue).where(Dialogue.kind == "symptoms"))).all()
        assert row.step == "list"
        refused = [a.detail for a in await trail(sb, "symptoms.press")]
        assert refused == [{"reason": "not_yours"}, {"reason": "stale"}]
        sb.clock.advance(timedelta(hours=1))
        assert sb.api.refusals == 0


async def test_a_crisis_line_named_in_the_protocol_file_for_self_harm(database_url: str, tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.toml"
    protocol.write_text('[red_flags]\ncrisis_line = "988 (Suicide & Crisis Lifeline)"\n', encoding="utf-8")
    async with Sandbox(database_url=database_url, start=START, protocol_file=protocol) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6), tz="America/Chicago"))
        await sb.send(sb.users.text(PAT, "/symptoms"))
        await press(sb, PAT, "y")
        await press(sb, PAT, "t4")
        await press(sb, PAT, "d")
        advice = texts(sb, PAT.id)[-1]
        assert advice.startswith("🚨 Please call 911 now.")
        assert "If you have thoughts of harming yourself, you can also call 988 (Suicide & Crisis Lifeline)." in advice


async def test_the_weekly_red_flag_step_is_the_same_screen_with_advice_per_symptom(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        first = current_question(sb, PAT)
        await answer_all(sb, PAT, BEFORE_RED_FLAGS[:-1])
        await tap(sb, PAT, "t5")  # B6: "None of these", one tap
        step = sb.api.messages[(PAT.id, first.message_id)].text or ""
        assert "Question 20 of 20" in step and "This is not a diagnosis" in step
        assert "Have you had any of these since last week?" in step
        await answer_all(sb, PAT, red_flag_taps(6))  # a lot of trouble with balance, nothing else
        summary = sb.api.messages[(PAT.id, first.message_id)].text or ""
        assert "Safety questions: you reported a problem" in summary
        advice = texts(sb, PAT.id)[-1]
        assert advice.startswith("Please contact your doctor today.") and "Please call" not in advice
        assert len([m for m in sb.api.sent_to(PAT.id) if m.message_id >= first.message_id]) == 2  # <= 3
        (flag,) = await red_flags(sb)
        assert (flag.facts["item"], flag.episode) == (
            "rf_imbalance",
            f"response:{flag.facts['response_id']}:rf_imbalance",
        )


async def test_consent_says_the_bot_does_not_diagnose_or_prescribe_in_every_language(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        for user, alias, words in (
            (PAT, "MK-17", "I do not diagnose or prescribe: your doctors do."),
            (ROSA, "RS-1", "No hago diagnósticos ni recetas: eso lo hacen sus médicos."),
            (OLGA, "OL-3", "Я не ставлю диагнозы и не назначаю лечение: это делают ваши врачи."),
        ):
            await sb.send(sb.users.text(user, f"/start {await invite(sb, alias=alias, start=date(2026, 10, 6))}"))
            assert words in texts(sb, user.id)[-1]
