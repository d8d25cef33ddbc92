"""Red-flag words in free text bring up the red-flag screen at once (issue 14), in English, Spanish and
Russian, before any dialogue, for patients and strangers, never for team members; the text still goes on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, PatientMessage
from tests.helpers import CLINICIAN, enrol, forbid, invite, team_with_member

PAT = VirtualUser(2001, "Pat")
OLGA = VirtualUser(2003, "Olga", language_code="ru")
SOL = VirtualUser(2002, "Sol", language_code="es")
STRANGER = VirtualUser(3001, "Sam")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
SCREEN_EN = "⚠️ This is not a diagnosis. This chat is not watched around the clock."  # the red-flag screen
SCREEN_ES = "⚠️ Esto no es un diagnóstico. Nadie lee este chat a todas horas."
SCREEN_RU = "⚠️ Это не диагноз. Этот чат не читают круглосуточно."
STRANGERS_EN = "If this is an emergency, call your local emergency number now"  # not a patient: no screen


def texts(sb: Sandbox, chat: int) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(chat)]


async def test_red_flag_words_show_the_screen_then_the_text_reaches_the_team(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.send(sb.users.text(OLGA, f"/start {await invite(sb, alias='OL-3', start=date(2026, 10, 6))}"))
        await sb.send(sb.users.press_button(OLGA, sb.api.last_to(OLGA.id), "Я даю согласие"))  # type: ignore[arg-type]
        forbid("Help, I can't breathe", "Помогите, у меня судороги")
        before = len(texts(sb, PAT.id))
        await sb.send(sb.users.text(PAT, "Help, I can't breathe"))
        screen, relayed = texts(sb, PAT.id)[before:]
        assert screen.startswith(SCREEN_EN) and "Do you have any of these now?" in screen and screen.endswith("/stop")
        shown = sb.api.sent_to(PAT.id)[before]
        assert "1. Tendon pain or swelling" in screen and "None of these" in str(sb.users.buttons(shown))
        assert relayed.startswith("I passed your message to your care team")
        await sb.tick()
        alert = texts(sb, CLINICIAN.id)[-1]
        assert alert.startswith("💬 MK-17 (Neuro clinic) writes:\n\nHelp, I can't breathe")
        assert "words from the red-flag list" in alert and "It is not a flag" in alert
        await sb.send(sb.users.text(PAT, "Thank you, all fine today"))  # ordinary text: no screen
        assert not any(SCREEN_EN in x for x in texts(sb, PAT.id)[-1:])

        await sb.send(sb.users.text(OLGA, "Помогите, у меня судороги"))
        screen_ru, relayed_ru = texts(sb, OLGA.id)[-2:]
        assert screen_ru.startswith(SCREEN_RU) and "Есть ли у вас сейчас что-то из этого?" in screen_ru
        assert relayed_ru.startswith("Я передал ваше сообщение вашим врачам")
        async with sb.services.sessions() as session:
            kept = (await session.exec(select(PatientMessage).order_by(col(PatientMessage.id)))).all()
            trail = (await session.exec(select(AuditEvent).where(AuditEvent.action == "message.red_flag_words"))).all()
        assert [m.red_flag_words for m in kept] == [True, False, True]
        assert [(a.actor, a.detail) for a in trail] == [("patient", None), ("patient", None)]  # ids only
        assert sb.api.refusals == 0


async def test_the_screen_comes_before_any_dialogue_for_anyone_but_a_team_member(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(SOL, f"/start {await invite(sb, alias='SL-2', start=date(2026, 10, 6))}"))
        await sb.send(sb.users.press_button(SOL, sb.api.last_to(SOL.id), "Estoy de acuerdo"))  # type: ignore[arg-type]
        await sb.send(sb.users.text(SOL, "/time"))  # a /time question is open
        await sb.send(sb.users.text(SOL, "ayuda"))
        screen, answer = texts(sb, SOL.id)[-2:]
        assert screen.startswith(SCREEN_ES) and "¿Tiene ahora alguno de estos?" in screen
        assert "ayuda" in answer  # then the /time question has the text (not passed to the team)

        await sb.send(sb.users.text(STRANGER, "/start"))
        await sb.send(sb.users.text(STRANGER, "emergency"))
        assert texts(sb, STRANGER.id)[-2].startswith(STRANGERS_EN)  # no patient: the short emergency text
        assert "open the link your care team gave you" in texts(sb, STRANGER.id)[-1]

        before = len(texts(sb, CLINICIAN.id))
        await sb.send(sb.users.text(CLINICIAN, "help"))  # a member: no patient screen
        assert len(texts(sb, CLINICIAN.id)) == before + 1 and SCREEN_EN not in texts(sb, CLINICIAN.id)[-1]
