"""Small helpers shared by the handlers."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.context import Services, services_of

Context = ContextTypes.DEFAULT_TYPE


def svc(context: Context) -> Services:
    return services_of(context.bot_data)


def chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def reply(update: Update, text: str, **kwargs: object) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(text, **kwargs)  # type: ignore[arg-type]


MAX_ROW_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL


def row_id(text: str) -> int | None:
    """A row id from button data: plain ASCII digits within the id range, else None."""
    if not re.fullmatch(r"[0-9]{1,10}", text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


def split_data(data: str | None, prefix: str, parts: int) -> list[str] | None:
    """Callback data like 'd1:123:t' → ['123', 't'], or None when it is not of that shape."""
    if not data or not data.startswith(prefix + ":"):
        return None
    fields = data.split(":")[1:]
    return fields if len(fields) == parts else None


async def team_lang(update: Update, context: Context) -> str:
    """The language of a care team's texts here: the alert group's team, else the member's (first) team."""
    from services.menus import menu_of

    chat = update.effective_chat
    async with svc(context).sessions() as session:
        if chat is not None and chat.type != "private":
            group = await menu_of(session, chat.id, private=False)
            if group.role is not None:
                return group.language
        return (await menu_of(session, user_id(update), private=True)).language  # a group of no team yet
