"""/team_hours for care-team members, in the team's alert group or privately (services/team_hours.py).

`/team_hours` shows the hours, `/team_hours Mon-Fri 08:00-17:00` sets them, `/team_hours off` clears them;
a bad text gets the reason and changes nothing. Group -1, like the other team commands.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, reply, svc
from bot.handlers.team_views import caller
from bot.texts import t
from services import team_hours

REPLIES = {
    "set": "team_hours_set",
    "cleared": "team_hours_cleared",
    "invalid": "team_hours_invalid",
    "refused": "team_refused",
    "several": "team_hours_several",
}


async def command(update: Update, context: Context) -> None:
    s = svc(context)
    text = " ".join(context.args or ())[:200]
    result = await team_hours.for_member(s.sessions, caller(update), text, now=s.now())
    if result.outcome == "shown":
        key = "team_hours_shown" if result.hours else "team_hours_none"
    else:
        key = REPLIES[result.outcome]
    values = {"team": result.team, "hours": result.hours, "timezone": result.timezone, "error": result.error}
    await reply(update, t(key, **values, teams=", ".join(result.teams)))
    raise ApplicationHandlerStop
