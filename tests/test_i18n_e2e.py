"""Patients in their own language, end to end on the Bot API stand-in: Spanish from Telegram's setting,
/language ru, a language we do not speak asks first, and the care team's alert stays English."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, Patient
from tests.helpers import CLINICIAN, invite, team_with_member
from tests.qhelpers import BEFORE_RED_FLAGS, answer_all, current_question, red_flags

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; therapy starts Tuesday 6 Oct, 09:00 Berlin
FIRST_DOSE = datetime(2026, 10, 6, 7, 0, 30, tzinfo=UTC)
ROSA = VirtualUser(2101, "Rosa", language_code="es-MX")
HANS = VirtualUser(2102, "Hans", language_code="de")


def texts(sb: Sandbox, user: VirtualUser) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(user.id)]


def labels(message: SentMessage | None) -> list[str]:
    markup = (message.reply_markup or {}) if message is not None else {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def patient_row(sb: Sandbox, alias: str) -> Patient:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient).where(col(Patient.alias) == alias))).one()


async def test_spanish_from_telegram_then_russian_with_the_team_alert_in_english(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(ROSA, f"/start {await invite(sb, alias='RS-1', start=date(2026, 10, 6))}"))
        consent = sb.api.last_to(ROSA.id)
        assert consent is not None and "¿Está de acuerdo?" in (consent.text or "")
        assert "tableta de B12 de 1000 mcg, cada día" in (consent.text or "")  # the regimen in Spanish
        assert labels(consent) == ["Estoy de acuerdo", "No, gracias"]
        await sb.send(sb.users.press_button(ROSA, consent, "Estoy de acuerdo"))
        assert "Su primer recordatorio llegará el mar, 6 oct, 9:00." in texts(sb, ROSA)[-1]
        assert (await patient_row(sb, "RS-1")).language == "es"

        await sb.tick()  # the baseline questionnaire, in Spanish, the 0-10 scale explained
        first = current_question(sb, ROSA).text or ""
        assert "Antes de empezar" in first and "Pregunta 1 de 20" in first
        assert "¿cuánto dolor ha tenido" in first and "0 = nada de dolor · 10 = el peor dolor" in first
        assert "Ayuda: /help" in first  # the help/stop footer, in Spanish
        # a red flag: advice to Rosa in Spanish, the urgent alert to the care team in English
        await answer_all(sb, ROSA, [*BEFORE_RED_FLAGS, *red_flags(3)])
        assert "Llame ahora al 112" in texts(sb, ROSA)[-1]  # Europe/Berlin: 112
        before = len(sb.api.sent_to(CLINICIAN.id))
        await sb.tick()
        alert = texts(sb, CLINICIAN)[before:]
        assert len(alert) == 1 and "Urgent · patient RS-1" in alert[0] and "aortic" in alert[0]
        assert "Gracias. Eso es todo por ahora." in texts(sb, ROSA)[-2]  # the summary, then the advice
        assert "Sus respuestas:" in texts(sb, ROSA)[-2] and "usted indicó un problema" in texts(sb, ROSA)[-2]

        await sb.run_until(FIRST_DOSE)
        reminder = sb.api.last_to(ROSA.id)
        assert reminder is not None and (reminder.text or "").startswith("Es hora de su vitamina B12: tableta")
        assert labels(reminder) == [
            "La tomé",
            "Recordar en 30 min",
            "Omitir",
            "La tomé antes…",
            "⚠️ Avisar de un síntoma",
        ]
        await sb.send(sb.users.press_button(ROSA, reminder, "La tomé"))
        assert "✓ Tomada a las 9:00. Gracias." in (sb.api.messages[(ROSA.id, reminder.message_id)].text or "")

        await sb.send(sb.users.text(ROSA, "/language ru"))
        assert texts(sb, ROSA)[-1].startswith("Готово. Я буду писать вам по-русски.")
        await sb.send(sb.users.text(ROSA, "/status"))
        status = texts(sb, ROSA)[-1]
        assert "Следующий приём: ср, 7 окт., 09:00" in status and "вт, 6 окт., 09:00: принято" in status
        await sb.send(sb.users.text(ROSA, "/language klingon"))  # unknown: says the choices, changes nothing
        assert "«klingon»" in texts(sb, ROSA)[-1] and "es (Español)" in texts(sb, ROSA)[-1]
        assert (await patient_row(sb, "RS-1")).language == "ru"
        await sb.send(sb.users.text(ROSA, "/language"))  # the buttons
        choice = sb.api.last_to(ROSA.id)
        assert labels(choice) == ["English", "Español", "Русский"]
        await sb.send(sb.users.press_button(ROSA, choice, "English"))
        assert texts(sb, ROSA)[-1].startswith("Done. I will write to you in English.")
        async with sb.services.sessions() as session:
            changes = (await session.exec(select(AuditEvent).where(col(AuditEvent.action) == "patient.language"))).all()
        assert [e.detail for e in changes] == [{"from": "es", "to": "ru"}, {"from": "ru", "to": "en"}]
        assert sb.api.refusals == 0


async def test_a_language_we_do_not_speak_is_asked_before_the_consent(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        token = await invite(sb, alias="HB-2", start=date(2026, 10, 6))
        await sb.send(sb.users.text(HANS, f"/start {token}"))
        ask = sb.api.last_to(HANS.id)
        assert ask is not None and "Please choose your language." in (ask.text or "")
        assert "elija su idioma" in (ask.text or "") and "выберите язык" in (ask.text or "")
        assert labels(ask) == ["English", "Español", "Русский"]
        spanish = sb.users.button_data(ask)[1]
        await sb.send(sb.users.press(VirtualUser(2999, "Mallory"), ask, spanish))
        assert (await patient_row(sb, "HB-2")).language == "en"  # someone else's press changes nothing
        await sb.send(sb.users.press_button(HANS, ask, "Русский"))
        consent = sb.api.last_to(HANS.id)
        assert consent is not None and "Вы согласны?" in (consent.text or "")
        assert "таблетка B12 1000 мкг, каждый день" in (consent.text or "")  # the regimen in Russian
        assert labels(consent) == ["Я даю согласие", "Нет, спасибо"]
        await sb.send(sb.users.press_button(HANS, consent, "Я даю согласие"))
        assert "Первое напоминание придёт вт, 6 окт., 09:00." in texts(sb, HANS)[-1]
        row = await patient_row(sb, "HB-2")
        assert row.language == "ru" and row.status == "active"
        await sb.send(sb.users.press(HANS, ask, spanish))  # the question of a used invite: changes nothing
        assert (await patient_row(sb, "HB-2")).language == "ru"
        async with sb.services.sessions() as session:
            audited = (await session.exec(select(AuditEvent).where(col(AuditEvent.action) == "patient.language"))).all()
        assert [e.outcome for e in audited] == ["refused", "ok", "refused"]  # Mallory, Hans, the stale press
