"""/time and /timezone (and /cancel while one is open): thin handlers over `services.settings`.

Registered in group -3: a handler that answered stops the later groups (ApplicationHandlerStop); typed
text with no /time or /timezone question open passes on (enrolment, questionnaire numbers, stray text).
Buttons: `s1:t:<HHMM>`, `s1:z:<IANA name>`, `s1:z:?` (type another), `s1:ok`, `s1:no` (the transition).
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, chat_id, reply, svc, user_id
from bot.inbox_guard import LEFT
from bot.render.settings import render
from bot.texts import patient, t
from services import auditing, settings
from services.settings_change import Outcome


async def _show(update: Update, outcome: Outcome) -> None:
    text, markup = render(outcome)
    await reply(update, text, reply_markup=markup)
    raise ApplicationHandlerStop


async def _command(update: Update, context: Context, what: str) -> None:
    s, ids = svc(context), {"chat_id": chat_id(update), "user_id": user_id(update)}
    if context.args:
        value = " ".join(context.args)
        outcome = await settings.answer(s.sessions, **ids, what=what, value=value, now=s.now(), protocol=s.protocol)
    else:
        outcome = await settings.begin(s.sessions, **ids, what=what, now=s.now())
    await _show(update, outcome)


async def time_command(update: Update, context: Context) -> None:
    await _command(update, context, "time")


async def zone_command(update: Update, context: Context) -> None:
    await _command(update, context, "zone")


async def _refused(update: Update, context: Context, reason: str) -> None:
    s = svc(context)
    await auditing.refused(s.sessions, actor=f"tg:{user_id(update)}", action="settings", reason=reason, now=s.now())


async def pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    ids = {"chat_id": chat_id(update), "user_id": user_id(update)}
    kind, _, value = (query.data or "").removeprefix("s1:").partition(":")
    if kind in ("ok", "no"):
        outcome = await settings.confirm(s.sessions, **ids, yes=kind == "ok", now=s.now(), protocol=s.protocol)
        if outcome.kind == "stale":
            await _refused(update, context, "stale")
            await query.answer(t("change_stale", outcome.language))
            raise ApplicationHandlerStop
    elif kind == "x":  # Cancel under a question asked again
        outcome = await settings.cancel(s.sessions, **ids)
        if outcome.kind in ("none", "nothing"):  # the question had ended already
            await query.answer(t("change_stale", outcome.language))
            raise ApplicationHandlerStop
    elif kind == "z" and value == "?":
        await query.answer()
        lang = (await settings.begin(s.sessions, **ids, what="zone", now=s.now())).language
        await reply(update, patient("change_zone_other", lang))
        raise ApplicationHandlerStop
    elif kind in ("t", "z") and value:
        value = f"{value[:2]}:{value[2:]}" if kind == "t" else value
        what = "time" if kind == "t" else "zone"
        outcome = await settings.answer(s.sessions, **ids, what=what, value=value, now=s.now(), protocol=s.protocol)
        if outcome.kind == "not_enrolled":  # a button forged by someone with no reminders to change
            await _refused(update, context, "not_enrolled")
            await query.answer(t("press_stale"))
            raise ApplicationHandlerStop
    else:
        await _refused(update, context, "malformed")
        await query.answer(t("press_stale"))
        raise ApplicationHandlerStop
    await query.answer()
    with contextlib.suppress(BadRequest):  # a message too old to edit keeps its (now stale) buttons
        await query.edit_message_reply_markup(None)
    await _show(update, outcome)


async def typed(update: Update, context: Context) -> None:
    message, s = update.effective_message, svc(context)
    if message is None or message.text is None:
        return
    outcome = await settings.typed(
        s.sessions,
        chat_id=chat_id(update),
        user_id=user_id(update),
        text=message.text,
        now=s.now(),
        protocol=s.protocol,
    )
    if outcome.kind != "none":
        await _show(update, outcome)


async def cancel(update: Update, context: Context) -> None:
    """/cancel ends an open /time or /timezone question; otherwise it is /enrol's."""
    outcome = await settings.cancel(svc(context).sessions, chat_id=chat_id(update), user_id=user_id(update))
    if outcome.kind != "none":
        await _show(update, outcome)


async def ended_elsewhere(update: Update, context: Context) -> None:
    """Any other command or button: an open /time or /timezone question ends; the update goes on. A dose
    reminder's button and a questionnaire's end it themselves, in the press's own transaction
    (bot/handlers/doses.py, questionnaire.py)."""
    query = update.callback_query
    if query is not None and query.data is not None and query.data.startswith(LEFT):
        return
    if update.effective_user is not None and update.effective_chat is not None:
        await settings.end(svc(context).sessions, chat_id=chat_id(update), user_id=user_id(update))
