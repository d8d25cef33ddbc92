"""Sending the conversation's outbox rows (msg_to_patient, msg_to_team) and the helper's notices (issue 14).

Wraps the dispatcher's sender as bot/team_delivery.py does: jobs of these kinds are rendered here, the
message text read from `patient_message` when it is sent (a message erased meanwhile is not sent), a long
one split into messages of at most 4096 characters (the Reply button on the last). A patient who blocked
the bot: Blocked (the dispatcher marks them unreachable, as for a reminder) and the member who wrote is
told. A member's private chat that cannot be reached: the text goes to the team's alert chats instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import Services
from bot.render_conversation import helper_text, message_patient_button, reply_keyboard, split_message
from bot.services.helper_invites import NOTICE
from bot.services.messages import TO_PATIENT, TO_TEAM, outbox_row
from bot.texts import t
from schedules.flagging import alert_chats
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Retry, Sent
from storage.models import HelperLink, Outbox, Patient, PatientMessage, Team

log = logging.getLogger(__name__)
KINDS = frozenset({TO_PATIENT, TO_TEAM, NOTICE})
RETRY_SECONDS = 10.0
Part = tuple[str, InlineKeyboardMarkup | None]


def with_conversation(inner: Deliver, bot: Bot, services: Services) -> Deliver:
    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        others = [j for j in jobs if j.kind not in KINDS]
        theirs = iter(await inner(others) if others else [])
        ours = iter(await asyncio.gather(*(send(bot, j, services) for j in jobs if j.kind in KINDS)))
        return [next(ours) if j.kind in KINDS else next(theirs) for j in jobs]

    return deliver


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
    first: int | None = None
    for n, (text, keyboard) in enumerate(parts):
        try:
            sent = await bot.send_message(job.chat_id, text, reply_markup=keyboard)
        except Forbidden:
            return await _unreachable(job, services)
        except RetryAfter as exc:
            after = exc.retry_after
            seconds = after.total_seconds() if hasattr(after, "total_seconds") else float(after)
            return Retry(seconds, uncertain=n > 0, error="429")
        except TimedOut:
            return Retry(RETRY_SECONDS, uncertain=True, error="timed out")
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return await _unreachable(job, services)
            return Failed(exc.message)
        except NetworkError as exc:
            return Retry(RETRY_SECONDS, uncertain=n > 0, error=f"network: {type(exc).__name__}")
        first = first if first is not None else sent.message_id
    await _sent(job, services)
    assert first is not None
    return Sent(first)


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
                session.add(
                    Outbox(
                        kind="team_notice",
                        dedupe_key=f"msg:{message.id}:undelivered",
                        chat_id=message.member_user_id,
                        due_at=now,
                        created_at=now,
                        payload={
                            "key": "msg_undelivered",
                            "params": params,
                            "lang": team.language if team is not None else "en",
                        },
                    )
                )
            await session.commit()
            return Blocked()
        if job.payload.get("to") == "member":
            for chat in await alert_chats(session, patient.team_id):
                if chat != job.chat_id:
                    session.add(outbox_row(TO_TEAM, message.id or 0, chat, now, to="fallback"))
            await session.commit()
        return Failed("forbidden: the team's chat refused the bot")
