"""/team_chat in a care team's group (a move from another group asks to confirm: `a1:<team>:y|n`), and
keeping the alert chat when the group becomes a supergroup."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, reply, row_id, split_data, svc, team_lang, user_id
from bot.render.doses import yes_no
from bot.texts import t
from services import alert_chat_move, auditing, team_chat

REPLIES = {
    "set": "team_chat_set",
    "already": "team_chat_already",
    "refused": "team_refused",
    "taken": "team_chat_taken",
    "choose": "team_chat_choose",
}
MOVE_REPLIES = {
    "moved": "team_chat_moved",
    "cancelled": "team_chat_move_cancelled",
    "already": "team_chat_already",
    "taken": "team_chat_taken",
    "refused": "team_refused",
}


def _where(update: Update) -> alert_chat_move.Where:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    by = f"@{user.username}" if user.username else user.first_name
    return alert_chat_move.Where(chat.id, chat.title or "", by)


async def set_team_chat(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    chat = update.effective_chat
    if chat is None or chat.type == "private":
        await reply(update, t("team_chat_private", lang))
        raise ApplicationHandlerStop
    s = svc(context)
    name = " ".join(context.args or []) or None
    where = _where(update)
    result = await team_chat.set_alert_chat(
        s.sessions,
        user_id=user_id(update),
        chat_id=chat.id,
        team_name=name,
        now=s.now(),
        title=where.title,
        by=where.by,
    )
    if result.kind == "confirm":
        data = f"a1:{result.team_id}"
        keyboard = yes_no("btn_move_alerts", "btn_cancel", f"{data}:y", f"{data}:n", lang)
        await reply(update, t("team_chat_confirm", lang, team=result.team), reply_markup=keyboard)
        raise ApplicationHandlerStop
    lang = await team_lang(update, context)  # the team's, now that this group may be its alert chat
    await reply(update, t(REPLIES[result.kind], lang, team=result.team, teams=", ".join(result.teams)))
    raise ApplicationHandlerStop


async def move_pressed(update: Update, context: Context) -> None:
    """Move the team's alerts to this group (or not): any active member of that team may confirm here."""
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "a1", 2)
    team_id = row_id(fields[0]) if fields else None
    message = query.message if isinstance(query.message, Message) else None
    private = message is None or message.chat.type == "private"  # an alert chat is a group, never a person's
    if fields is None or team_id is None or fields[1] not in ("y", "n") or private:
        actor, reason = f"tg:{user_id(update)}", "private" if fields and team_id and message else "malformed"
        await auditing.refused(s.sessions, actor=actor, action="team.alert_chat", reason=reason, now=s.now())
        await query.answer(t("press_stale", lang))
        raise ApplicationHandlerStop
    result = await alert_chat_move.confirm_move(
        s.sessions,
        user_id=user_id(update),
        team_id=team_id,
        where=_where(update),
        confirm=fields[1] == "y",
        now=s.now(),
    )
    if result.kind in ("refused", "taken"):
        await query.answer(t(MOVE_REPLIES[result.kind], lang), show_alert=True)
        raise ApplicationHandlerStop
    await query.answer()
    with contextlib.suppress(BadRequest):  # pressed twice: "not modified"
        await query.edit_message_text(t(MOVE_REPLIES[result.kind], await team_lang(update, context), team=result.team))
    raise ApplicationHandlerStop


async def migrated(update: Update, context: Context) -> None:
    """A group upgraded to a supergroup gets a new chat id: the team's alert chat follows it."""
    message, s = update.effective_message, svc(context)
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await team_chat.move_alert_chat(s.sessions, old=old, new=new, now=s.now())
    raise ApplicationHandlerStop
