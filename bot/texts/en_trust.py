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
    # /team_chat when the team already has a group (bot/handlers/team_chat.py, bot/services/alert_chat_move.py)
    "team_chat_confirm": (
        "The urgent alerts and the daily digest of the care team “{team}” go to another group now. "
        "Move them to this group? Every member and the other group will be told."
    ),
    "btn_move_alerts": "Move alerts here",
    "team_chat_moved": (
        "Done: this group is now the alert chat of the care team “{team}”. Urgent alerts and the daily digest "
        "come here. The other group and every member have been told."
    ),
    "team_chat_move_cancelled": "Nothing changed: the alerts of the care team “{team}” stay where they were.",
    "team_chat_notice_members": (
        "ℹ️ Care team “{team}”: urgent alerts and the daily digest now go to the Telegram group “{group}” "
        "(set by {by}). If you did not expect this, tell your team admin."
    ),
    "team_chat_notice_old": (
        "ℹ️ The care team “{team}” now gets its alerts in another group, “{group}” (moved by {by}). "
        "Nothing more for this team will be posted here."
    ),
}
