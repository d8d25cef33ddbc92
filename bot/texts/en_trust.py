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
    # /team_chat when the team already has a group (bot/handlers/team_chat.py, services/alert_chat_move.py)
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
    # members come and go (services/members.py, operator.py, bot/handlers/members.py)
    "team_member_removed_notice": (
        "You are no longer a member of the care team “{team}”: its patients, alerts and digests are no longer "
        "shown to you. If this is a mistake, ask the team's admin for a new join link."
    ),
    "tv_status_revoked": "invite revoked",
    "err_member_spec": "{value!r} is not a member: give a Telegram user id (digits) or an @username",
    "err_member_unknown": "{member!r} is not a member of {team!r} (`b12bot team members --team ...` lists them)",
    "err_member_removed": "{member!r} was already removed from {team!r}",
    "err_patient_unknown": "no patient with the alias {alias!r}",
    "err_alias_ambiguous": "the alias {alias!r} is used in several teams ({teams}): add --team",
    "err_no_open_invite": "the patient {alias!r} has no open invite link (used, expired or revoked already)",
    "members_title": "👥 Care team “{team}” · members: {n}",
    "members_line": "• {name}{role}{you} · joined {joined}",
    "members_role_admin": " · admin",
    "members_you": " · you",
    "members_admin_hint": "As an admin you can remove a member with the buttons below (you are asked to confirm).",
    "btn_remove_member": "Remove {name} ({team})",
    "btn_remove": "Remove",
    "members_remove_confirm": (
        "Remove {name} from the care team “{team}”? They will no longer see its patients, alerts or digests."
    ),
    "members_removed": (
        "{name} is no longer a member of the care team “{team}” and has been told. If they are in the team's "
        "Telegram group, remove them there too: the bot cannot."
    ),
    "members_remove_cancelled": "Nothing changed: {name} stays a member of the care team “{team}”.",
    "members_refused": "Sorry, only an admin of this care team can remove its members.",
    "members_self": "You cannot remove yourself: ask another admin, or the operator (b12bot team remove-member).",
}
