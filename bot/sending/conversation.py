"""Sending the conversation's outbox rows (msg_to_patient, msg_to_team) and the helper's notices (issue 14).

Wraps the dispatcher's sender as bot/sending/team.py does: jobs of these kinds are rendered here, the
message text read from `patient_message` when it is sent (a message erased meanwhile is not sent), a long
one split into messages of at most 4096 characters (the Reply button on the last). A patient who blocked
the bot: Blocked (the dispatcher marks them unreachable, as for a reminder) and the member who wrote is
told. A member's private chat that cannot be reached: the text goes to the team's alert chats instead.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup

from bot.context import Services
from bot.render.conversation import helper_text, message_patient_button, reply_keyboard, split_message
from bot.sending.delivery import by_kind, send_parts
from bot.texts import t
from schedules import agenda
from schedules.flagging import alert_chats
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Sent
from services.helper_invites import NOTICE
from services.messages import TO_PATIENT, TO_TEAM, outbox_row
from storage.models import HelperLink, Patient, PatientMessage, Team

log = logging.getLogger(__name__)
KINDS = frozenset({TO_PATIENT, TO_TEAM, NOTICE})
Part = tuple[str, InlineKeyboardMarkup | None]


def with_conversation(inner: Deliver, bot: Bot, services: Services) -> Deliver:
    return by_kind(inner, KINDS, lambda job: send(bot, job, services))


async def render(job: Job, services: Services) -> list[Part]:
    if job.kind == NOTICE:
        lang = job.language if job.payload.get("to") == "patient" else str(job.payload.get("lang", "en"))
        return [(helper_text(job.payload, lang), None)]
    async with services.sessions() as session:
        message = await session.get(PatientMessage, job.payload.get("message") or 0)
        if message is None:
            return []
        patient = await session.get(Patient, message.patient_id)
        team = await session.get(Team, patient.team_id) if patient is not None else None
    if patient is None or team is None:
        return []
    if job.kind == TO_PATIENT:
        lang = patient.language
        texts = split_message(t("msg_from_team", lang, team=team.name), message.text, t("footer", lang))
        keyboard = reply_keyboard(message.id or 0, lang)
    else:
        lang = team.language  # the care team's language
        note = t("msg_red_flag_words", lang) if message.red_flag_words else ""
        texts = split_message(t("msg_from_patient", lang, alias=patient.alias, team=team.name), message.text, note)
        button = message_patient_button(alias=patient.alias, patient_id=patient.id, lang=lang)
        keyboard = InlineKeyboardMarkup([[button]])
    return [(text, keyboard if i == len(texts) - 1 else None) for i, text in enumerate(texts)]


async def send(bot: Bot, job: Job, services: Services) -> Outcome:
    try:
        parts = await render(job, services)
    except Exception as exc:  # a rendering bug must not stop the other sends
        log.exception("rendering outbox=%s kind=%s failed", job.outbox_id, job.kind)
        return Failed(f"render: {type(exc).__name__}")
    if not parts:
        return Failed("gone: erased or ended")
    outcome = await send_parts(bot, job.chat_id, parts)
    if isinstance(outcome, Blocked) and not outcome.moved_to:  # refused (403) or chat not found
        return await _unreachable(job, services)
    if isinstance(outcome, Sent):
        await _sent(job, services)
    return outcome


async def _sent(job: Job, services: Services) -> None:
    if job.kind != TO_PATIENT:
        return
    async with services.sessions() as session:
        message = await session.get(PatientMessage, job.payload.get("message") or 0)
        if message is not None:
            message.status, message.sent_at = "sent", services.now()
            await session.commit()


async def _unreachable(job: Job, services: Services) -> Outcome:
    """The chat refused the bot: tell the writer, re-route a relay, or end a helper's link."""
    now = services.now()
    async with services.sessions() as session:
        if job.kind == NOTICE:
            link = await session.get(HelperLink, job.payload.get("link") or 0)
            if link is not None and link.helper_chat_id == job.chat_id and link.status == "active":
                link.status, link.ended_at = "blocked", now
            await session.commit()
            return Failed("forbidden: the helper blocked the bot")
        message = await session.get(PatientMessage, job.payload.get("message") or 0)
        patient = await session.get(Patient, message.patient_id) if message is not None else None
        if message is None or patient is None:
            return Failed("gone")
        if job.kind == TO_PATIENT:
            message.status = "undelivered"
            if message.member_user_id is not None:
                params = {"alias": patient.alias}
                team = await session.get(Team, patient.team_id)
                told = agenda.Entry(
                    "team_notice",
                    agenda.key_message(message.id or 0, "undelivered"),
                    message.member_user_id,
                    now,
                    payload={"key": "msg_undelivered", "params": params, "lang": team.language if team else "en"},
                )
                await agenda.enqueue(session, [told], now=now)
            await session.commit()
            return Blocked()
        if job.payload.get("to") == "member":
            for chat in await alert_chats(session, patient.team_id):
                if chat != job.chat_id:
                    await agenda.enqueue(
                        session, [outbox_row(TO_TEAM, message.id or 0, chat, now, to="fallback")], now=now
                    )
            await session.commit()
        return Failed("forbidden: the team's chat refused the bot")
