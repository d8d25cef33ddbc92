"""Acknowledge / Assign to me on a flag: the digest's and alerts' buttons (`f1:<flag>:a|m`) and /ack <flag>.

Registered in handler group -1 (as the /enrol handlers): each handler ends the update's handling
(ApplicationHandlerStop), so the catch-all button and command handlers of group 0 never see it.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, reply, row_id, split_data, svc, team_lang, user_id
from bot.handlers.team_views import caller
from bot.texts import t
from services import auditing, flag_actions

LIMIT = 4096
ANSWERS = {
    ("ack", "done"): "flag_ack_done",
    ("ack", "already"): "flag_ack_already",
    ("assign", "done"): "flag_assign_done",
    ("assign", "already"): "flag_assign_already",
    ("assign", "already_other"): "flag_assign_other",
}

REFUSED = {"refused": "flag_refused", "missing": "flag_missing", "group_unset": "tv_group_unset"}


async def pressed(update: Update, context: Context) -> None:
    await _pressed(update, context)
    raise ApplicationHandlerStop


async def _pressed(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "f1", 2)
    flag_id = row_id(fields[0]) if fields else None
    message = query.message if isinstance(query.message, Message) else None
    if fields is None or flag_id is None or fields[1] not in flag_actions.ACTIONS or message is None:
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="flag.press", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale", lang))
        return
    action = flag_actions.ACTIONS[fields[1]]
    result = await flag_actions.act(s.sessions, flag_id=flag_id, caller=caller(update), action=action, now=s.now())
    if result.outcome in REFUSED:
        await query.answer(t("flag_refused", lang), show_alert=True)
        return
    await query.answer(t(ANSWERS[(result.action, result.outcome)], lang))
    private = message.chat.type == ChatType.PRIVATE
    text = message.text or ""
    if result.outcome == "done":
        key = f"flag_{result.action}_line" + ("_you" if private else "")
        line = t(key, lang, flag_id=flag_id, alias=result.alias)
        if len(text) + len(line) + 1 <= LIMIT:
            text = f"{text}\n{line}"
    markup = _without(message.reply_markup, query.data or "")
    with contextlib.suppress(BadRequest):  # unchanged, or too old to edit
        await query.edit_message_text(text, reply_markup=markup)


def _without(markup: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup | None:
    """The keyboard without the pressed button (and without rows left empty)."""
    if markup is None:
        return None
    rows = [[b for b in row if b.callback_data != data] for row in markup.inline_keyboard]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


async def ack_command(update: Update, context: Context) -> None:
    """`/ack <flag id>`: as the Acknowledge button, for a flag named in an alert or a digest."""
    await _ack(update, context)
    raise ApplicationHandlerStop


async def _ack(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    args = context.args or []
    flag_id = row_id(args[0].lstrip("#")) if len(args) == 1 else None
    if flag_id is None:
        await reply(update, t("flag_ack_usage", lang))
        return
    result = await flag_actions.act(s.sessions, flag_id=flag_id, caller=caller(update), action="ack", now=s.now())
    if result.outcome in REFUSED:
        await reply(update, t(REFUSED[result.outcome], lang, flag_id=flag_id))
        return
    key = "flag_ack_line_you" if result.outcome == "done" else "flag_ack_already_line"
    await reply(update, t(key, lang, flag_id=flag_id, alias=result.alias))
