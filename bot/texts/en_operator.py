"""English only: messages for operators (command line) and clinicians. Not translated (see bot/texts/__init__)."""

from __future__ import annotations

OPERATOR: dict[str, str] = {
    "err_team_exists": "a team named {name!r} already exists",
    "err_team_unknown": "no team named {name!r}; create it with `b12bot team create`",
    "err_team_language": "{value!r} is not a language the bot speaks: use one of {choices}",
    "err_team_empty_digest": "{value!r} is not a choice for --empty-digest: use one of {choices}",
    "err_team_name": "the team name must be 2-120 characters",
    "err_hours": '{error}; write the reading hours like "Mon-Fri 08:00-17:00", or off to clear them',
    "err_timezone": "{value!r} is not a known IANA time zone (for example Europe/Berlin)",
    "err_time": "{value!r} is not a time of day; use HH:MM, 24-hour clock, for example 09:00",
    "err_date": "{value!r} is not a date; use YYYY-MM-DD, for example 2026-12-01",
    "err_start_past": "the therapy start {value} is more than 30 days in the past",
    "err_alias": (
        "the alias must be a pseudonym like MK-17: 2-24 letters, digits, '-', '_' or '.', "
        "with at least one digit and no spaces, not starting with 'erased-' (never the patient's name)"
    ),
    "err_alias_taken": "the alias {alias!r} is already used in this team (aliases differing only in case count as one)",
    "err_regimen": "{message}",
    "err_qr_path": "cannot write the QR code picture to {path}: {reason}",
    "err_day_fit": "{message}",
    "err_not_member": "Telegram user {user} is not an active member of {team!r}",
    "err_no_members": ("the team {team!r} has no members yet: a clinician must join first with the team's join link"),
    "err_no_username": (
        "the bot's username is needed for links: set BOT_USERNAME, or TELEGRAM_BOT_TOKEN so it can be looked up"
    ),
}
OPERATOR["err_no_token"] = "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it"  # noqa: S105
