"""Setting the command menus (Bot API setMyCommands / deleteMyCommands), by role (bot/command_table.py).

The default menu (every chat without its own) holds the patients' commands, once per language that has a
catalogue (`language_code`), set at start-up. A member's private chat and a team's alert group get the
team's commands (BotCommandScopeChat) from outbox rows of kind `menu` (services/menus.py); a chat that
no longer belongs to a team gets its own menu deleted, so it falls back to the default.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.command_table import PATIENT, TEAM, commands
from bot.context import Services
from bot.texts import languages, t
from schedules.jobs import Deliver, Failed, Job, Outcome, Retry, Sent
from services.menus import KIND, menu_of

log = logging.getLogger(__name__)
RETRY_SECONDS = 10.0


def menu_commands(role: str, lang: str, *, group: bool = False) -> list[BotCommand]:
    return [BotCommand(c.name, t(c.key, lang)) for c in commands(role, group=group)]


async def set_default_menus(bot: Bot) -> None:
    """The patients' menu for every chat without its own: English for any language, then one per catalogue."""
    await bot.set_my_commands(menu_commands(PATIENT, "en"), scope=BotCommandScopeDefault())
    for lang in languages():
        if lang != "en":
            await bot.set_my_commands(menu_commands(PATIENT, lang), scope=BotCommandScopeDefault(), language_code=lang)


def with_menus(inner: Deliver, bot: Bot, services: Services) -> Deliver:
    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        others = [j for j in jobs if j.kind != KIND]
        theirs = iter(await inner(others) if others else [])
        ours = iter(await asyncio.gather(*(send_menu(bot, j, services) for j in jobs if j.kind == KIND)))
        return [next(ours) if j.kind == KIND else next(theirs) for j in jobs]

    return deliver


async def send_menu(bot: Bot, job: Job, services: Services) -> Outcome:
    async with services.sessions() as session:
        menu = await menu_of(session, job.chat_id, private=job.chat_id > 0)
    scope = BotCommandScopeChat(job.chat_id)
    try:
        if menu.role == TEAM:
            await bot.set_my_commands(menu_commands(TEAM, menu.language, group=menu.group), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except RetryAfter as exc:
        after = exc.retry_after
        return Retry(after.total_seconds() if hasattr(after, "total_seconds") else float(after), error="429")
    except Forbidden:  # the chat refused the bot: nothing to show a menu in (never a patient's chat mark)
        return Failed("menu: forbidden")
    except BadRequest as exc:  # e.g. a chat that is gone
        return Failed(f"menu: {exc.message}"[:200])
    except NetworkError as exc:  # time-outs too: setting a menu twice does no harm
        return Retry(RETRY_SECONDS, error=f"network: {type(exc).__name__}")
    log.debug("menu set outbox=%s role=%s", job.outbox_id, menu.role)
    return Sent(0)
