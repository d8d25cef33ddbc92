"""English texts of /time and /timezone (patient-facing, translated), and the care team's digest line."""

from __future__ import annotations

SETTINGS: dict[str, str] = {
    "change_time_ask": (
        "Your reminders come at {time} ({zone} time). Choose a new time, or type one, for example 8:30 or 20:00."
    ),
    "change_zone_ask": (
        "Your time zone is {zone}. Choose a new one, or type its name, for example Europe/Paris or America/Chicago."
    ),
    "change_zone_other": "Type the name of your time zone, for example Europe/Paris, America/Chicago or Asia/Kolkata.",
    "btn_zone_other": "Another…",
    "change_time_bad": (
        "“{value}” is not a time I understand. Please type it on the 24-hour clock, for example 8:30 or 20:00. "
        "Nothing was changed."
    ),
    "change_time_too_late": (
        "You have several reminders a day, so the first one must be at {latest} or earlier. Nothing was changed."
    ),
    "change_zone_bad": (
        "“{value}” is not a time zone I know. Please type a name like Europe/Berlin or America/New_York. "
        "Nothing was changed."
    ),
    "change_time_done": "Done: your reminders now come at {time} ({zone} time).\nNext dose: {next_dose}.",
    "change_zone_done": (
        "Done: your time zone is now {zone}, and reminders come at {time} local time.\nNext dose: {next_dose}."
    ),
    "change_transition_ask": (
        "Moving your reminders straight away would put two doses too close together or too far apart "
        "(your last dose: {previous}).\n"
        "I suggest your next dose on {transition}, then at {time} ({zone} time) as usual. Is that all right?"
    ),
    "change_transition_done": (
        "Done: your next dose is on {transition}; after that, reminders come at {time} ({zone} time)."
    ),
    "btn_change_yes": "Yes, at {time}",
    "btn_change_cancel": "Cancel the change",
    "change_cancelled": "Nothing was changed: your reminders stay at {time} ({zone} time).",
    "change_unchanged": "Your reminders already come at {time} ({zone} time). Nothing was changed.",
    "change_expired": "That question has expired and nothing was changed. Send /time or /timezone to start again.",
    "change_stale": "This question is no longer open.",
    "change_paused_note": "Your reminders are paused; send /resume to start them again.",
    "change_no_dose": "no dose planned",
    "btn_question_cancel": "Cancel",
    "change_gave_up": "{reason} I have closed this question. Send {command} when you want to try again.",
    "cancel_nothing": "There is no open question to cancel.",
}

# English only (care team): the digest line of the info flag raised by a change (care.transition).
SETTINGS_TEAM: dict[str, str] = {
    "flag.schedule_change": (
        "The patient moved their reminders: {old_time} {old_timezone} → {new_time} {new_timezone}. For information."
    ),
}
