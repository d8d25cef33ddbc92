"""A conversation, not only buttons (issue 14), end to end on the Bot API stand-in.

A member writes with /msg or the Message patient button (under /patient and under an alert); the patient
gets it with the team's name and a Reply button; the patient's text goes to the member who wrote last,
else to the team's alert chat, by alias only. Paused, stopped, blocked and erased patients; a removed
member; long texts; media; a patient flooding the team; Spanish. The texts are never logged (the log
scan of tests/conftest.py fails the test when one shows up) and every relay is audited with ids only.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from services import enrolment
from storage.models import AuditEvent, Dialogue, InboxUpdate, Outbox, Patient, PatientMessage, TeamMember
from tests.helpers import CLINICIAN, TTL, enrol, forbid, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, BEFORE_RED_FLAGS, answer_all, current_question, red_flags

PAT = VirtualUser(2001, "Wilhelmina")
SOL = VirtualUser(2002, "Sol", language_code="es")
DR2 = VirtualUser(1002, "Dr Two")
GROUP = -100700
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; therapy starts Tuesday 6 Oct, 09:00 Berlin
NOTE = "Please take the tablet with food.\nSee you on Monday."
ANSWER = "Thank you, I will do that"


def texts(sb: Sandbox, chat: int) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(chat)]


def last(sb: Sandbox, chat: int) -> SentMessage:
    message = sb.api.last_to(chat)
    assert message is not None
    return message


async def rows(sb: Sandbox, model: Any, *where: Any) -> list[Any]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(model).where(*where).order_by(col(model.id)))).all())


async def audits(sb: Sandbox, prefix: str) -> list[AuditEvent]:
    return [a for a in await rows(sb, AuditEvent) if a.action.startswith(prefix)]


async def pid(sb: Sandbox, alias: str = "MK-17") -> int:
    (patient,) = await rows(sb, Patient, col(Patient.alias) == alias)
    return int(patient.id)


async def second_member(sb: Sandbox) -> None:
    issued = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL)
    forbid(issued.token)
    await sb.send(sb.users.text(DR2, f"/start {issued.token}"))


async def setup(sb: Sandbox) -> None:
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
    await sb.tick()  # the baseline questionnaire goes out
    await answer_all(sb, PAT, BASELINE_ANSWERS)
    forbid(NOTE, ANSWER, "Wilhelmina")


async def test_msg_reaches_the_patient_with_a_reply_button_and_the_reply_reaches_the_writer(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        await sb.send(sb.users.text(CLINICIAN, f"/msg MK-17 {NOTE}"))
        assert last(sb, CLINICIAN.id).text == "Sent to MK-17. You will be told here if it cannot be delivered."
        await sb.tick()
        got = last(sb, PAT.id)
        assert (
            got.text == f"Message from your care team (Neuro clinic):\n\n{NOTE}\n\nHelp: /help · Stop messages: /stop"
        )
        assert [b["text"] for b in sb.users.buttons(got)] == ["Reply"]
        await sb.send(sb.users.press_button(PAT, got, "Reply"))
        prompt = last(sb, PAT.id)
        assert prompt.text == "Type your reply below. I will pass it to your care team."
        assert (prompt.reply_markup or {}).get("force_reply") is True
        await sb.send(sb.users.text(PAT, ANSWER))
        assert texts(sb, PAT.id)[-1].startswith("I passed your message to your care team.")
        assert "not watched around the clock" in texts(sb, PAT.id)[-1] and "/stop" in texts(sb, PAT.id)[-1]
        await sb.tick()
        relayed = last(sb, CLINICIAN.id)
        assert relayed.text == f"💬 MK-17 (Neuro clinic) writes:\n\n{ANSWER}"
        assert sb.users.button_data(relayed) == [f"w1:p:{await pid(sb)}"]
        kept = await rows(sb, PatientMessage)
        assert [(m.direction, m.member_user_id, m.text, m.status) for m in kept] == [
            ("to_patient", CLINICIAN.id, NOTE, "sent"),
            ("from_patient", None, ANSWER, "queued"),
        ]
        trail = await audits(sb, "message.")
        assert [(a.actor, a.action, a.subject, a.detail) for a in trail] == [
            (f"tg:{CLINICIAN.id}", "message.to_patient", f"patient:{await pid(sb)}", {"message": kept[0].id}),
            ("patient", "message.from_patient", f"patient:{await pid(sb)}",
             {"message": kept[1].id, "to": "member", "chats": 1}),
        ]  # fmt: skip
        assert sb.api.refusals == 0


async def test_message_patient_buttons_under_the_view_and_an_alert_then_the_next_text(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        await sb.tick()
        await answer_all(sb, PAT, [*BEFORE_RED_FLAGS, *red_flags(3)])  # a red flag: chest pain
        forbid(NOTE, ANSWER)
        await sb.tick()
        alert = last(sb, GROUP)
        assert "Urgent · patient MK-17" in (alert.text or "")
        flag_button = next(d for d in sb.users.button_data(alert) if d.startswith("w1:f:"))
        assert [b["text"] for b in sb.users.buttons(alert)][-1] == "✉️ Message MK-17"
        await sb.send(sb.users.press(CLINICIAN, alert, flag_button))  # pressed in the group
        assert sb.api.callback_answers[-1][1] == "Write your message in your private chat with me."
        assert last(sb, CLINICIAN.id).text == (
            "Type your message to MK-17. Your next message is sent to them as it is. /cancel to stop."
        )
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/msg MK-17 Written in the group"))
        assert texts(sb, GROUP)[-1] == "Sent to MK-17. You will be told here if it cannot be delivered."
        await sb.tick()
        assert "Written in the group" in texts(sb, PAT.id)[-1]
        stranger = VirtualUser(3002, "Eve")
        await sb.send(sb.users.text_in_group(stranger, GROUP, "/msg MK-17 hi"))  # in the group, not in the team
        assert texts(sb, GROUP)[-1] == "Sorry, this is only for active members of the patient's care team."
        await sb.restart()  # the dialogue is a row: it survives
        await sb.send(sb.users.text(CLINICIAN, NOTE))
        assert last(sb, CLINICIAN.id).text.startswith("Sent to MK-17.")  # type: ignore[union-attr]
        assert not await rows(sb, Dialogue)
        await sb.tick()
        assert NOTE in texts(sb, PAT.id)[-1]

        await sb.send(sb.users.text(CLINICIAN, "/patient MK-17"))
        view = next(m for m in reversed(sb.api.sent_to(CLINICIAN.id)) if m.kind == "text")
        assert sb.users.button_data(view) == [f"w1:p:{await pid(sb)}"]
        await sb.send(sb.users.press_button(CLINICIAN, view, "Message MK-17"))
        assert "Type your message to MK-17" in texts(sb, CLINICIAN.id)[-1]
        await sb.send(sb.users.text(CLINICIAN, "/cancel"))
        assert texts(sb, CLINICIAN.id)[-1] == "Message cancelled; nothing was sent."
        await sb.send(sb.users.text(CLINICIAN, "not for the patient"))  # no dialogue: not sent anywhere
        assert "open the link your care team gave you" in texts(sb, CLINICIAN.id)[-1]
        await sb.send(sb.users.press_button(CLINICIAN, view, "Message MK-17"))
        sb.clock.advance(timedelta(minutes=31))
        await sb.send(sb.users.text(CLINICIAN, "too late"))
        assert "not sent: more than 30 minutes passed" in texts(sb, CLINICIAN.id)[-1]
        assert len(await rows(sb, PatientMessage)) == 2
        assert sb.api.refusals == 0


async def test_a_reply_goes_to_the_last_writer_and_never_to_a_removed_member(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        await second_member(sb)
        await sb.send(sb.users.text(PAT, "a first question"))  # nobody wrote yet: every active member
        await sb.tick()
        assert "a first question" in texts(sb, CLINICIAN.id)[-1] and "a first question" in texts(sb, DR2.id)[-1]
        await sb.send(sb.users.text(DR2, f"/msg MK-17 {NOTE}"))
        await sb.tick()
        await sb.send(sb.users.text(PAT, ANSWER))
        await sb.tick()
        assert ANSWER in texts(sb, DR2.id)[-1] and all(ANSWER not in x for x in texts(sb, CLINICIAN.id))
        async with sb.services.sessions() as session:  # Dr Two leaves the team
            member = (await session.exec(select(TeamMember).where(TeamMember.telegram_user_id == DR2.id))).one()
            member.active = False
            await session.commit()
        seen_by_dr2 = len(sb.api.sent_to(DR2.id))
        await sb.send(sb.users.text(PAT, "a second question"))
        await sb.tick()
        assert len(sb.api.sent_to(DR2.id)) == seen_by_dr2
        assert "a second question" in texts(sb, CLINICIAN.id)[-1]
        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        await sb.send(sb.users.text(PAT, "a third question"))
        await sb.tick()
        assert texts(sb, GROUP)[-1] == "💬 MK-17 (Neuro clinic) writes:\n\na third question"
        assert "a third question" not in texts(sb, CLINICIAN.id)[-1]
        routes = [a.detail["to"] for a in await audits(sb, "message.from_patient")]  # type: ignore[index]
        assert routes == ["members", "member", "members", "group"]
        await sb.send(sb.users.text(DR2, "/msg MK-17 still here?"))  # a removed member cannot write
        assert texts(sb, DR2.id)[-1] == "Sorry, this is only for active members of the patient's care team."
        assert sb.api.refusals == 0


async def test_paused_stopped_blocked_and_erased_patients(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        await sb.send(sb.users.text(PAT, "/pause"))
        await sb.send(sb.users.text(CLINICIAN, f"/msg MK-17 {NOTE}"))  # paused: reminders stop, not messages
        await sb.tick()
        assert NOTE in texts(sb, PAT.id)[-1]
        await sb.send(sb.users.text(PAT, "/resume"))

        sb.api.block(PAT.id)  # blocked without the bot being told: the send meets a 403
        await sb.send(sb.users.text(CLINICIAN, "/msg MK-17 are you there?"))
        await sb.tick()
        await sb.tick()  # the member's notice goes out on the next round
        assert texts(sb, CLINICIAN.id)[-1] == "Your message to MK-17 could not be delivered: they have blocked the bot."
        (patient,) = await rows(sb, Patient)
        assert patient.reachable is False
        assert (await rows(sb, PatientMessage))[-1].status == "undelivered"
        await sb.send(sb.users.text(CLINICIAN, "/msg MK-17 hello again"))
        assert texts(sb, CLINICIAN.id)[-1] == "MK-17 has blocked the bot: messages cannot reach them."
        await sb.send(sb.users.text(PAT, "/start"))  # back
        await sb.send(sb.users.my_chat_member(PAT, status_new="member"))

        await sb.send(sb.users.text(PAT, "/stop"))
        await sb.send(sb.users.press_button(PAT, last(sb, PAT.id), "Yes, stop"))
        await sb.send(sb.users.text(CLINICIAN, "/msg MK-17 hello"))
        assert texts(sb, CLINICIAN.id)[-1] == "MK-17 cannot receive messages (status: stopped)."
        await sb.send(sb.users.text(PAT, "I stopped but have a question"))
        assert texts(sb, PAT.id)[-1].startswith("Your reminders have ended, so I no longer pass messages")
        before = len(await rows(sb, PatientMessage))
        await sb.tick()
        assert len(await rows(sb, PatientMessage)) == before

        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        confirm = next(d for d in sb.users.button_data(last(sb, PAT.id)) if d.endswith(":y"))
        await sb.send(sb.users.press(PAT, last(sb, PAT.id), confirm))
        assert not await rows(sb, PatientMessage)
        await sb.send(sb.users.text(CLINICIAN, "/msg MK-17 hello"))
        assert texts(sb, CLINICIAN.id)[-1] == "No patient MK-17 in your care team."
        refused = [(a.detail or {}).get("reason") for a in await audits(sb, "message.") if a.outcome == "refused"]
        assert refused == ["unreachable", "not_messageable", "ended", "not_found"]


async def test_long_texts_are_split_and_media_is_refused_kindly(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        long_note = "\n".join(f"Line {i:03d}: " + "take it slowly. " * 12 for i in range(20))
        long_answer = "word " * 818 + "end"  # 4093 characters: Telegram allows 4096
        await sb.send(sb.users.text(CLINICIAN, f"/msg MK-17 {long_note}"))
        await sb.tick()
        parts = texts(sb, PAT.id)[-2:]
        assert all(len(p) <= 4096 for p in parts) and parts[0].startswith("Message from your care team")
        assert "\n".join(p.removeprefix("Message from your care team (Neuro clinic):\n\n") for p in parts).startswith(
            long_note[:100]
        )
        assert "Line 019" in parts[1] and parts[1].endswith("Stop messages: /stop")
        assert not sb.api.sent_to(PAT.id)[-2].reply_markup and sb.users.button_data(sb.api.sent_to(PAT.id)[-1])
        await sb.send(sb.users.text(PAT, long_answer))
        await sb.tick()
        relayed = texts(sb, CLINICIAN.id)[-2:]
        assert relayed[0].startswith("💬 MK-17 (Neuro clinic) writes:") and all(len(p) <= 4096 for p in relayed)
        assert relayed[1].endswith("end")

        sticker = sb.users.text(PAT, "x")
        del sticker["message"]["text"]
        sticker["message"]["sticker"] = {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
                                         "height": 512, "is_animated": False, "is_video": False}  # fmt: skip
        photo = sb.users.text(PAT, "x")
        del photo["message"]["text"]
        photo["message"].update(photo=[{"file_id": "p1", "file_unique_id": "pu1", "width": 9, "height": 9}],
                                caption="my swollen ankle")  # fmt: skip
        forbid("my swollen ankle")
        count = len(await rows(sb, PatientMessage))
        for update in (sticker, photo):
            await sb.send(update)
            assert texts(sb, PAT.id)[-1].startswith("Sorry, I can only pass on typed text, not pictures, stickers")
        assert len(await rows(sb, PatientMessage)) == count
        await sb.send(sb.users.text(CLINICIAN, "/msg MK-17"))
        voice = sb.users.text(CLINICIAN, "x")
        del voice["message"]["text"]
        voice["message"]["voice"] = {"file_id": "v1", "file_unique_id": "vu1", "duration": 3}
        await sb.send(voice)
        assert texts(sb, CLINICIAN.id)[-1] == "Only text can be sent to a patient. Type your message, or /cancel."
        assert sb.api.refusals == 0


async def test_a_patient_flooding_the_team_is_limited_per_hour(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        for i in range(12):
            await sb.send(sb.users.text(PAT, f"message number {i}"))
            sb.clock.advance(timedelta(minutes=1))
        replies = texts(sb, PAT.id)[-12:]
        assert all(r.startswith("I passed your message") for r in replies[:10])
        assert all(r.startswith("You have sent many messages in the last hour") for r in replies[10:])
        await sb.tick()
        assert sum("message number" in x for x in texts(sb, CLINICIAN.id)) == 10
        refused = [a for a in await audits(sb, "message.from_patient") if a.outcome == "refused"]
        assert [(a.detail or {}).get("reason") for a in refused] == ["rate_limited", "rate_limited"]
        sb.clock.advance(timedelta(minutes=50))  # the first ones are now more than an hour old
        await sb.send(sb.users.text(PAT, "later on"))
        assert texts(sb, PAT.id)[-1].startswith("I passed your message")


async def test_spanish_patient_gets_the_team_message_and_replies_in_spanish(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(SOL, f"/start {await invite(sb, alias='SL-2', start=date(2026, 10, 6))}"))
        await sb.send(sb.users.press_button(SOL, last(sb, SOL.id), "Estoy de acuerdo"))
        forbid(NOTE, "Gracias, lo haré")
        await sb.send(sb.users.text(CLINICIAN, f"/msg SL-2 {NOTE}"))
        await sb.tick()
        got = next(m for m in reversed(sb.api.sent_to(SOL.id)) if NOTE in (m.text or ""))
        assert (got.text or "").startswith("Mensaje de su equipo médico (Neuro clinic):")
        assert (got.text or "").endswith(f"{NOTE}\n\nAyuda: /help · Dejar de recibir mensajes: /stop")
        assert [b["text"] for b in sb.users.buttons(got)] == ["Responder"]
        await sb.send(sb.users.press_button(SOL, got, "Responder"))
        assert last(sb, SOL.id).text == "Escriba su respuesta aquí abajo. Se la pasaré a su equipo médico."
        await sb.send(sb.users.text(SOL, "Gracias, lo haré"))
        assert texts(sb, SOL.id)[-1].startswith("He pasado su mensaje a su equipo médico.")
        await sb.send(sb.users.text(SOL, "la enviamos como foto"))
        await sb.tick()
        relayed = set(texts(sb, CLINICIAN.id)[-2:])  # the care team's side stays English
        assert relayed == {
            f"💬 SL-2 (Neuro clinic) writes:\n\n{x}" for x in ("Gracias, lo haré", "la enviamos como foto")
        }
        assert sb.api.refusals == 0


async def test_mydata_has_the_messages_and_erasure_removes_them_and_the_members_update(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        await sb.send(sb.users.text(CLINICIAN, f"/msg MK-17 {NOTE}"))
        await sb.send(sb.users.text(PAT, ANSWER))
        await sb.send(sb.users.text(PAT, "/mydata"))
        data = json.loads(last(sb, PAT.id).file_bytes or b"{}")
        assert [(m["direction"], m["text"]) for m in data["messages"]] == [
            ("to_patient", NOTE),
            ("from_patient", ANSWER),
        ]
        assert str(CLINICIAN.id) not in json.dumps(data)
        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        confirm = next(d for d in sb.users.button_data(last(sb, PAT.id)) if d.endswith(":y"))
        await sb.send(sb.users.press(PAT, last(sb, PAT.id), confirm))
        assert not await rows(sb, PatientMessage)
        assert not [o for o in await rows(sb, Outbox) if o.kind in ("msg_to_patient", "msg_to_team")]
        async with sb.services.sessions() as session:
            stored = json.dumps([u.payload for u in (await session.exec(select(InboxUpdate))).all()])
        assert NOTE.split("\n")[0] not in stored and ANSWER not in stored  # the member's /msg update too
        (erase,) = [a for a in await rows(sb, AuditEvent) if a.action == "data.erase"]
        assert (erase.detail or {})["messages"] == 2 and (erase.detail or {})["member_updates"] == 1


async def test_a_reply_for_a_member_who_blocked_the_bot_goes_to_the_team_instead(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        await second_member(sb)
        await sb.send(sb.users.text(DR2, f"/msg MK-17 {NOTE}"))
        await sb.tick()
        sb.api.block(DR2.id)  # Dr Two blocked the bot (still a member)
        await sb.send(sb.users.text(PAT, ANSWER))
        await sb.tick()
        await sb.tick()  # the fallback rows go out on the next round
        assert texts(sb, CLINICIAN.id)[-1] == f"💬 MK-17 (Neuro clinic) writes:\n\n{ANSWER}"
        assert all(ANSWER not in x for x in texts(sb, DR2.id))
        (patient,) = await rows(sb, Patient)
        assert patient.reachable  # a member's refusal never marks the patient unreachable


async def test_text_while_answering_questions_is_an_answer_and_otherwise_reaches_the_team(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, ["6"])  # answering the baseline: the questionnaire is the dialogue
        await sb.send(sb.users.text(PAT, "quite bad"))
        assert "type a number from 0 to 10" in texts(sb, PAT.id)[-1]
        assert not await rows(sb, PatientMessage)
        sb.clock.advance(timedelta(minutes=20))  # left open and idle: text is a message again
        await sb.send(sb.users.text(PAT, "sorry, I will finish the questions later"))
        relayed = texts(sb, PAT.id)[-1]
        assert relayed.startswith("I passed your message to your care team")
        assert "Your questions are still open: please answer them with the buttons." in relayed
        await sb.send(sb.users.text(PAT, "5"))  # a number still answers the open 0-10 question
        assert "Question 3 of 20" in (current_question(sb, PAT).text or "")
        await sb.send(sb.users.text(PAT, "my chest hurts badly, help"))  # red-flag words always reach the team
        forbid("my chest hurts badly, help")
        assert texts(sb, PAT.id)[-2].startswith("⚠️ This is not a diagnosis")  # the red-flag screen
        assert texts(sb, PAT.id)[-1].startswith("I passed your message to your care team")
        assert len(await rows(sb, PatientMessage)) == 2
