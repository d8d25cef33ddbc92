"""/team_language [code] and /team_digest [short|quiet]: a care team's own settings, shown or changed by an
active member in the team's alert group (or in their private chat when they belong to one team).
Registered in group -1: each handler ends the update's handling."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, reply, svc
from bot.handlers.language import endonym
from bot.handlers.team_views import caller
from bot.texts import languages, t
from services import team_settings

REFUSED = {"refused": "tv_refused", "group_unset": "tv_group_unset", "choose": "team_setting_choose"}


def _choices() -> str:
    return ", ".join(f"{code} ({endonym(code)})" for code in languages())


def _language_answer(result: team_settings.Setting) -> str:
    name = endonym(result.value) if result.outcome != "invalid" else result.value
    key = f"team_language_{result.outcome}"
    return t(key, result.language, team=result.team, language=name, value=name, choices=_choices())


def _digest_answer(result: team_settings.Setting) -> str:
    mode = t(f"team_digest_mode_{result.value}", result.language) if result.outcome != "invalid" else ""
    return t(f"team_digest_{result.outcome}", result.language, team=result.team, mode=mode, value=result.value)


async def _setting(update: Update, context: Context, field: str) -> None:
    s = svc(context)
    value = context.args[0][:20] if context.args else None
    result = await team_settings.change(s.sessions, caller(update), field, value, now=s.now())
    if result.outcome in REFUSED:
        text = t(REFUSED[result.outcome], result.language, teams=", ".join(result.teams), alias="")
    else:
        text = _language_answer(result) if field == "language" else _digest_answer(result)
    await reply(update, text)
    raise ApplicationHandlerStop


async def language_command(update: Update, context: Context) -> None:
    await _setting(update, context, "language")


async def digest_command(update: Update, context: Context) -> None:
    await _setting(update, context, "empty_digest")
