"""English only: care-team and operator texts of issue 12 (alert chats that cannot be lost or moved
quietly, team members who come and go). Not translated (see bot/texts/__init__)."""

from __future__ import annotations

TRUST: dict[str, str] = {
    # schedules/team_reroute.py: the team's alert group refused the bot
    "team_alert_chat_lost": (
        "⚠️ The bot can no longer post in the alert group of the care team “{team}” (it was removed from the "
        "group, or the group is gone). Urgent alerts and the daily digest now come to each member's private "
        "chat, starting with what the group could not receive. To use a group again, add the bot there and "
        "run /team_chat."
    ),
}
