"""Messages between a care team and a patient (issue 14): /msg, Message patient, a member's text, media.

Group -4 (before /time, /enrol and the stray-text answer): /msg, the Message patient (`w1:p|f:<id>`)
button, a member's text while Message patient is open, /cancel of it, and pictures, stickers and other
media (refused kindly). The patient's side (the Reply button and their free text) is
bot/handlers/patient_messages.py.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationHandlerStop
from telegram.ext import filters as f

from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, team_lang, user_id
from bot.handlers.language import lang_for
from bot.handlers.team_views import caller
from bot.texts import patient, t
from services import auditing, helper_stop, message_dialogue, messages, relay
from services.message_dialogue import Begun
from services.messages import Written

COMMAND = re.compile(r"^/msg(?:@\w+)?\s+(\S+)(?:\s+(.*))?$", re.DOTALL)
MEDIA = (
    f.Sticker.ALL | f.PHOTO | f.VIDEO | f.VOICE | f.AUDIO | f.Document.ALL | f.ANIMATION | f.VIDEO_NOTE
    | f.LOCATION | f.CONTACT | f.VENUE | f.POLL | f.Dice.ALL
)  # fmt: skip


def written_text(result: Written, lang: str = "en") -> str:
    if result.outcome == "queued":
        return t("msg_queued", lang, alias=result.alias)
    if result.outcome == "not_messageable":
        return t("msg_not_messageable", lang, alias=result.alias, status=t(f"tv_status_{result.status}", lang))
    if result.outcome == "unreachable":
        return t("msg_unreachable", lang, alias=result.alias)
    if result.outcome == "expired":
        return t("msg_expired", lang)
    if result.outcome in ("not_found", "ambiguous"):
        return t(f"tv_{'no_patient' if result.outcome == 'not_found' else 'ambiguous'}", lang, alias=result.alias)
    return t("msg_usage", lang) if result.outcome == "empty" else t("tv_refused", lang)


async def _prompt(update: Update, context: Context, begun: Begun, lang: str) -> str | None:
    """Ask for the text in the member's private chat; the refusal text for the member, or None."""
    if begun.outcome in ("not_messageable", "unreachable"):
        return written_text(Written(begun.outcome, begun.alias, begun.status), lang)
    if begun.outcome == "busy":
        return t("msg_busy", lang)
    if begun.outcome != "begun":
        return written_text(Written(begun.outcome, begun.alias), lang)
    try:
        await context.bot.send_message(user_id(update), t("msg_prompt", lang, alias=begun.alias))
    except (Forbidden, BadRequest):  # the member never opened a private chat with the bot
        await message_dialogue.forget(svc(context).sessions, user_id=user_id(update))
        return t("msg_open_private", lang)
    return None


async def msg_command(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    message, s = update.effective_message, svc(context)
    found = COMMAND.match(message.text or "") if message is not None else None
    if found is None:
        await reply(update, t("msg_usage", lang))
        raise ApplicationHandlerStop
    alias, text = found[1][:40], (found[2] or "").strip()
    if text:
        result = await messages.write(s.sessions, caller(update), alias, text, now=s.now(), update_id=update.update_id)
        await reply(update, written_text(result, lang))
    else:
        begun = await message_dialogue.begin_alias(s.sessions, caller(update), alias, now=s.now())
        refusal = await _prompt(update, context, begun, lang)
        if refusal is not None or chat_id(update) != user_id(update):
            await reply(update, refusal or t("msg_write_private", lang))
    raise ApplicationHandlerStop


async def message_pressed(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "w1", 2)
    target = row_id(fields[1]) if fields and fields[0] in ("p", "f") else None
    if fields is None or target is None:
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="message.begin", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale", lang))
        raise ApplicationHandlerStop
    by_patient = fields[0] == "p"
    begun = await message_dialogue.begin(
        s.sessions,
        caller(update),
        patient_id=target if by_patient else None,
        flag_id=None if by_patient else target,
        now=s.now(),
    )
    refusal = await _prompt(update, context, begun, lang)
    private = chat_id(update) == user_id(update)
    await query.answer(refusal or (None if private else t("msg_write_private", lang)), show_alert=refusal is not None)
    raise ApplicationHandlerStop


async def member_typed(update: Update, context: Context) -> None:
    message, s = update.effective_message, svc(context)
    if message is None or message.text is None:
        return
    result = await message_dialogue.typed(
        s.sessions,
        chat_id=chat_id(update),
        user_id=user_id(update),
        text=message.text,
        now=s.now(),
        update_id=update.update_id,
    )
    if result is None:
        return  # no message being written here: the later groups have it
    lang = await team_lang(update, context)
    await reply(update, written_text(result, lang))
    raise ApplicationHandlerStop


async def cancel(update: Update, context: Context) -> None:
    if await message_dialogue.cancel(svc(context).sessions, chat_id=chat_id(update), user_id=user_id(update)):
        await reply(update, t("msg_cancelled", await team_lang(update, context)))
        raise ApplicationHandlerStop


async def media(update: Update, context: Context) -> None:
    """A picture, sticker, voice message or file: only typed text is passed on."""
    s = svc(context)
    if await message_dialogue.is_open(s.sessions, chat_id=chat_id(update), user_id=user_id(update)):
        await reply(update, t("msg_only_text"))
    elif await relay.is_patient(s.sessions, chat_id=chat_id(update)):
        await reply(update, patient("msg_media_refused", await lang_for(update, context)))
    elif (lang := await helper_stop.is_helper(s.sessions, chat_id=chat_id(update))) is not None:
        await reply(update, t("helper_chat_hint", lang))
    else:
        await reply(update, t("not_enrolled", await lang_for(update, context)))
    raise ApplicationHandlerStop
