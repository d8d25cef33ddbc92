"""The care team's /help and /start: the team's commands, one line each, from bot/command_table.py."""

from __future__ import annotations

from bot.command_table import TEAM, commands
from bot.texts import t


def team_help(teams: tuple[str, ...], lang: str = "en", *, group: bool = False) -> str:
    lines = [t("team_help_title", lang, teams=", ".join(teams))]
    lines += [t("team_help_line", lang, name=c.name, text=t(c.key, lang)) for c in commands(TEAM, group=group)]
    return "\n".join([*lines, "", t("team_help_footer", lang)])
