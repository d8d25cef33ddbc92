"""/enrol (a guided dialogue in a clinician's private chat) and /cancel; registers /team_chat too. Thin.

Registered in handler groups -2 (typed text) and -1: each handler stops further handlers
(ApplicationHandlerStop) once it has handled an update; typed text with no dialogue in progress passes
through to the later groups (the questionnaire's typed numbers, the stray-text answer).
"""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, chat_id, reply, svc, team_lang, user_id
from bot.links import link
from bot.texts import formats, t
from services import auditing, enrol_dialogue
from services.enrol_dialogue import Outcome
from services.enrol_prompts import Prompt

SIMPLE = {"expired": "enrol_expired", "cancelled": "enrol_cancelled", "refused": "enrol_refused"}


def qr_png(text: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def keyboard(p: Prompt, lang: str = "en") -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(t(c.key, lang, **c.params) if c.key else c.label, callback_data=f"e1:{p.step}:{c.value}")
        for c in p.choices
    ]
    width = 2 if any(len(b.text) > 12 for b in buttons) else 3
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)]) if buttons else None


async def show(update: Update, context: Context, outcome: Outcome) -> None:
    lang = await team_lang(update, context)
    if outcome.kind in SIMPLE:
        await reply(update, t(SIMPLE[outcome.kind], lang))
    elif outcome.kind == "done" and outcome.issued is not None:
        url = link(context.bot.username, outcome.issued.token)
        expires = formats.dated(outcome.issued.expires_at, outcome.timezone)
        await reply(update, t("enrol_done", lang, alias=outcome.alias, expires=expires, link=url))
        message = update.effective_message
        assert message is not None
        caption = t("enrol_qr_caption", lang, alias=outcome.alias, expires=expires)
        await message.reply_photo(photo=qr_png(url), caption=caption)
    elif outcome.prompt is not None:
        p = outcome.prompt
        parts = [t("enrol_error", lang, message=t(p.error.key, lang, **p.error.params))] if p.error else []
        parts.append(t(p.key, lang, **p.params))
        if p.step != "ended":
            parts.append(t("enrol_cancel_hint", lang))
        await reply(update, "\n\n".join(parts), reply_markup=keyboard(p, lang))


async def enrol(update: Update, context: Context) -> None:
    s = svc(context)
    outcome = await enrol_dialogue.begin(s.sessions, chat_id=chat_id(update), user_id=user_id(update), now=s.now())
    await show(update, context, outcome)
    raise ApplicationHandlerStop


async def enrol_in_group(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    s = svc(context)  # refused like every team command in a chat it does not belong in (audited)
    await auditing.refused(s.sessions, actor=f"tg:{user_id(update)}", action="enrol", reason="group", now=s.now())
    await reply(update, t("enrol_private_only", lang))
    raise ApplicationHandlerStop


async def cancel(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    ended = await enrol_dialogue.cancel(svc(context).sessions, chat_id=chat_id(update), user_id=user_id(update))
    await reply(update, t("enrol_cancelled" if ended else "enrol_nothing", lang))
    raise ApplicationHandlerStop


async def _answer(update: Update, context: Context, step: str | None, value: str) -> Outcome:
    s = svc(context)
    ttl = timedelta(days=s.settings.b12bot_invite_days)
    return await enrol_dialogue.answer(
        s.sessions, chat_id=chat_id(update), user_id=user_id(update), step=step, value=value, now=s.now(), ttl=ttl
    )


async def typed(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    outcome = await _answer(update, context, None, message.text)
    if outcome.kind == "none":
        return  # no dialogue here: let the other handlers have it
    await show(update, context, outcome)
    raise ApplicationHandlerStop


async def pressed(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = (query.data or "").split(":", 2)
    if len(fields) != 3 or not fields[1] or update.effective_chat is None:
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="enrol", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale", lang))
        raise ApplicationHandlerStop
    outcome = await _answer(update, context, fields[1], fields[2])
    if outcome.kind in ("not_yours", "stale"):
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="enrol", reason=outcome.kind, now=s.now())
        await query.answer(t("press_not_yours" if outcome.kind == "not_yours" else "press_stale", lang))
        raise ApplicationHandlerStop
    await query.answer()
    with contextlib.suppress(BadRequest):  # a message too old to edit keeps its (now stale) buttons
        await query.edit_message_reply_markup(None)
    await show(update, context, outcome)
    raise ApplicationHandlerStop
