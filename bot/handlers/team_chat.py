"""/team_chat in a care team's group, and keeping the alert chat when the group becomes a supergroup."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, reply, svc, user_id
from bot.services import team_chat
from bot.texts import t

REPLIES = {
    "set": "team_chat_set",
    "already": "team_chat_already",
    "refused": "team_refused",
    "taken": "team_chat_taken",
    "choose": "team_chat_choose",
}


async def set_team_chat(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == "private":
        await reply(update, t("team_chat_private"))
        raise ApplicationHandlerStop
    s = svc(context)
    name = " ".join(context.args or []) or None
    result = await team_chat.set_alert_chat(
        s.sessions, user_id=user_id(update), chat_id=chat.id, team_name=name, now=s.now()
    )
    await reply(update, t(REPLIES[result.kind], team=result.team, teams=", ".join(result.teams)))
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
