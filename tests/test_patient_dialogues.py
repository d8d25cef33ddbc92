"""Patient dialogues that must not trap anyone (issue 13, "Dialogue bugs"), end to end on the stand-in:
/time with a bad value keeps the time buttons; a wrong answer is asked again once with a Cancel button
and then the question closes (a pain score typed next goes to the questionnaire); any other command or
button ends the question; /cancel is in the help; /language before consent works and shows the consent
again in the new language; the consent names every phase of a phased regimen with its duration."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import Dialogue, Patient, Questionnaire
from tests.helpers import invite, team_with_member
from tests.qhelpers import current_question, tap

START = datetime(2026, 10, 27, 12, tzinfo=UTC)
PAT = VirtualUser(2001, "Pat")
ROSA = VirtualUser(2101, "Rosa", language_code="es")


def last(sb: Sandbox, user: VirtualUser = PAT) -> SentMessage:
    message = sb.api.last_to(user.id)
    assert message is not None
    return message


def data(sb: Sandbox, message: SentMessage) -> list[str]:
    return sb.users.button_data(message)


def labels(message: SentMessage) -> list[str]:
    return [b["text"] for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


async def patient_row(sb: Sandbox) -> Patient:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient))).one()


async def dialogues(sb: Sandbox) -> int:
    async with sb.services.sessions() as session:
        return len((await session.exec(select(Dialogue))).all())


async def enrolled(sb: Sandbox, user: VirtualUser = PAT, *, tick: bool = False) -> None:
    await team_with_member(sb)
    token = await invite(sb, start=date(2026, 10, 28), at=time(9))
    await sb.send(sb.users.text(user, f"/start {token}"))
    await sb.send(sb.users.press(user, last(sb, user), data(sb, last(sb, user))[0]))  # I agree / Acepto
    if tick:
        await sb.tick()  # the baseline questionnaire goes out


async def test_time_with_a_bad_value_keeps_the_time_buttons_and_offers_cancel(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb)
        await sb.send(sb.users.text(PAT, "/time 25:00"))
        asked = last(sb)
        assert "“25:00” is not a time I understand" in (asked.text or "")
        assert [d for d in data(sb, asked) if d.startswith("s1:t:")] and not [d for d in data(sb, asked) if "s1:z" in d]
        assert "08:00" in labels(asked) and labels(asked)[-1] == "Cancel"
        await sb.send(sb.users.press_button(PAT, asked, "Cancel"))
        assert "Nothing was changed: your reminders stay at 09:00" in (last(sb).text or "")
        assert await dialogues(sb) == 0
        await sb.send(sb.users.press(PAT, asked, "s1:x"))  # a second tap: the question is gone
        assert sb.api.callback_answers[-1][1] == "This question is no longer open."
        await sb.send(sb.users.text(PAT, "/time 7:61"))
        await sb.send(sb.users.press_button(PAT, last(sb), "08:00"))  # the time buttons still work
        assert "your reminders now come at 08:00" in (last(sb).text or "")
        assert sb.api.refusals == 0


async def test_time_with_a_bad_value_in_spanish(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb, ROSA)
        await sb.send(sb.users.text(ROSA, "/time 25:00"))
        asked = last(sb, ROSA)
        assert "«25:00» no es una hora que yo entienda" in (asked.text or "")
        assert [d for d in data(sb, asked) if d.startswith("s1:t:")] and labels(asked)[-1] == "Cancelar"
        await sb.send(sb.users.text(ROSA, "mañana"))  # wrong again: the question closes
        assert "He cerrado esta pregunta. Envíe /time" in (last(sb, ROSA).text or "")
        await sb.send(sb.users.text(ROSA, "/cancel"))
        assert "No hay ninguna pregunta abierta" in (last(sb, ROSA).text or "")
        await sb.send(sb.users.text(ROSA, "/help"))
        assert "/cancel: anular una pregunta" in (last(sb, ROSA).text or "")


async def test_a_wrong_zone_is_asked_again_once_then_a_typed_pain_score_goes_to_the_questionnaire(
    database_url: str,
) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb, tick=True)
        question = current_question(sb, PAT)
        await sb.send(sb.users.text(PAT, "/timezone Mars/Base"))
        asked = last(sb)
        assert "“Mars/Base” is not a time zone I know" in (asked.text or "")
        assert "for example" in (asked.text or "") or "like Europe/Berlin" in (asked.text or "")
        assert labels(asked)[-1] == "Cancel" and "Berlin" in labels(asked)
        await sb.send(sb.users.text(PAT, "7"))  # meant for the pain question
        async with sb.services.sessions() as session:
            baseline = (await session.exec(select(Questionnaire))).one()
        assert baseline.answers.get("pain") == 7
        assert not any("“7” is not a time zone" in (m.text or "") for m in sb.api.sent_to(PAT.id))
        assert sb.api.messages[(PAT.id, question.message_id)].text is not None
        assert await dialogues(sb) == 0 and (await patient_row(sb)).timezone == "Europe/Berlin"


async def test_a_wrong_zone_twice_without_a_questionnaire_closes_the_question(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb)
        await sb.send(sb.users.text(PAT, "/timezone Mars/Base"))
        await sb.send(sb.users.text(PAT, "UTC+3"))
        text = last(sb).text or ""
        assert "“UTC+3” is not a time zone I know" in text and "Send /timezone when you want to try again" in text
        assert last(sb).reply_markup is None
        await sb.send(sb.users.text(PAT, "Europe/Paris"))  # no question open any more: a message to the team
        assert (last(sb).text or "").startswith("I passed your message to your care team")
        assert (await patient_row(sb)).timezone == "Europe/Berlin"


async def test_any_other_command_or_button_ends_the_question(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb, tick=True)
        await sb.send(sb.users.text(PAT, "/time"))
        assert await dialogues(sb) == 1
        await sb.send(sb.users.text(PAT, "/status"))
        assert await dialogues(sb) == 0
        await sb.send(sb.users.text(PAT, "8:30"))  # not taken as a reminder time
        assert (await patient_row(sb)).reminder_time == "09:00"

        await sb.send(sb.users.text(PAT, "/timezone"))
        assert await dialogues(sb) == 1
        await tap(sb, PAT, "5")  # a button elsewhere: the questionnaire's
        assert await dialogues(sb) == 0
        await sb.send(sb.users.text(PAT, "Europe/Paris"))
        assert (await patient_row(sb)).timezone == "Europe/Berlin"
        await sb.send(sb.users.text(PAT, "/help"))
        assert "/cancel: drop a question you started" in (last(sb).text or "")


async def test_language_before_consent_works_and_sends_the_consent_again(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        token = await invite(sb, start=date(2026, 10, 28), regimen="oral-high", step_down=True)
        await sb.send(sb.users.text(ROSA, f"/start {token}"))
        spanish = last(sb, ROSA)
        assert "¿Está de acuerdo?" in (spanish.text or "")
        assert "cada día, durante 8 semanas; después una vez por semana" in (spanish.text or "")
        await sb.send(sb.users.text(ROSA, "/language"))
        await sb.send(sb.users.press_button(ROSA, last(sb, ROSA), "Русский"))
        assert sb.api.callback_answers[-1][1] is None  # no "this button no longer works"
        russian = last(sb, ROSA)
        assert "Вы согласны?" in (russian.text or "") and "в течение 8 недель; затем раз в неделю" in (
            russian.text or ""
        )
        await sb.send(sb.users.text(ROSA, "/language en"))  # typed, before consent too
        english = last(sb, ROSA)
        assert "Do you agree?" in (english.text or "")
        assert "B12 1000 mcg by mouth, every day, for 8 weeks; then once a week" in (english.text or "")
        await sb.send(sb.users.press_button(ROSA, english, "I agree"))
        row = await patient_row(sb)
        assert row.language == "en" and row.status == "active"
        assert sb.api.refusals == 0

        stranger = VirtualUser(2999, "Sam")
        await sb.send(
            sb.users.text(stranger, "/start"), sb.users.text(stranger, "/language")
        )  # no invite: no buttons that could not work
        assert "open the link your care team gave you" in (last(sb, stranger).text or "")
        assert last(sb, stranger).reply_markup is None


async def test_a_phased_injection_regimen_keeps_its_durations_in_the_spanish_consent(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        token = await invite(sb, start=date(2026, 10, 28), regimen="im-hydroxo")
        await sb.send(sb.users.text(ROSA, f"/start {token}"))
        text = last(sb, ROSA).text or ""
        assert "inyección de B12 de 1 mg, 3 veces por semana, durante 2 semanas; después cada 3 meses" in text
