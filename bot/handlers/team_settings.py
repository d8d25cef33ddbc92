"""/team_language [code] and /team_digest [short|quiet]: a care team's own settings, shown or changed by an
active member in the team's alert group (or in their private chat when they belong to one team).
Registered in group -1: each handler ends the update's handling."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, filters

from bot.handlers.common import Context, reply, svc
from bot.handlers.language import endonym
from bot.handlers.team_views import caller
from bot.services import team_settings
from bot.texts import languages, t

GROUP = -1
REFUSED = {"refused": "tv_refused", "group_unset": "tv_group_unset", "choose": "team_setting_choose"}


def _choices() -> str:
    return ", ".join(f"{code} ({endonym(code)})" for code in languages())


async def language_command(update: Update, context: Context) -> None:
    s = svc(context)
    value = context.args[0][:20] if context.args else None
    result = await team_settings.change(s.sessions, caller(update), "language", value, now=s.now())
    lang = result.language
    if result.outcome in REFUSED:
        await reply(update, t(REFUSED[result.outcome], lang, teams=", ".join(result.teams), alias=""))
    else:
        name = endonym(result.value) if result.outcome != "invalid" else result.value
        key = f"team_language_{result.outcome}"
        await reply(update, t(key, lang, team=result.team, language=name, value=name, choices=_choices()))
    raise ApplicationHandlerStop


async def digest_command(update: Update, context: Context) -> None:
    s = svc(context)
    value = context.args[0][:20] if context.args else None
    result = await team_settings.change(s.sessions, caller(update), "empty_digest", value, now=s.now())
    lang = result.language
    if result.outcome in REFUSED:
        await reply(update, t(REFUSED[result.outcome], lang, teams=", ".join(result.teams), alias=""))
    else:
        mode = t(f"team_digest_mode_{result.value}", lang) if result.outcome != "invalid" else ""
        key = f"team_digest_{result.outcome}"
        await reply(update, t(key, lang, team=result.team, mode=mode, value=result.value))
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    where = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    app.add_handler(CommandHandler("team_language", language_command, filters=where), group=GROUP)
    app.add_handler(CommandHandler("team_digest", digest_command, filters=where), group=GROUP)
