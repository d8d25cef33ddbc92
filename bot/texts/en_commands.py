"""One-line descriptions of the commands (bot/command_table.py): the Telegram menus, the team's /help and
BotFather's /setcommands list. Patient lines are translated; team lines follow the team's language."""

from __future__ import annotations

COMMANDS_PATIENT: dict[str, str] = {
    "cmd_patient_symptoms": "Report a worrying symptom, at any time",
    "cmd_patient_status": "Your next dose and the last 7 days",
    "cmd_patient_pause": "Pause the reminders",
    "cmd_patient_resume": "Start the reminders again",
    "cmd_patient_time": "Change the reminder time",
    "cmd_patient_timezone": "Change your time zone",
    "cmd_patient_language": "Change the language",
    "cmd_patient_helper": "Invite a family helper",
    "cmd_patient_mydata": "A copy of your data",
    "cmd_patient_delete_my_data": "Delete your data",
    "cmd_patient_cancel": "Drop a question you started",
    "cmd_patient_stop": "Stop all messages",
    "cmd_patient_help": "What I can do, and where to get help",
}

COMMANDS_TEAM: dict[str, str] = {
    "cmd_team_patients": "Your patients: doses, pain, numbness, open flags",
    "cmd_team_patient": "One patient's course and chart: /patient MK-17",
    "cmd_team_ack": "Acknowledge a flag: /ack 12",
    "cmd_team_msg": "Write to a patient: /msg MK-17 your text",
    "cmd_team_enrol": "Enrol a new patient (private chat)",
    "cmd_team_pause_patient": "Pause a patient's reminders: /pause_patient MK-17",
    "cmd_team_resume_patient": "Resume a patient's reminders",
    "cmd_team_discharge": "Discharge a patient (asks to confirm)",
    "cmd_team_members": "The team's members",
    "cmd_team_team_chat": "Make this group the team's alert chat",
    "cmd_team_team_language": "The language of the team's messages: /team_language es",
    "cmd_team_team_digest": "An empty daily digest: /team_digest quiet or short",
    "cmd_team_team_hours": "When the team reads messages: /team_hours Mon-Fri 08:00-17:00",
    "cmd_team_cancel": "Stop an enrolment or a message you began",
    "cmd_team_help": "The care team's commands",
    "team_help_title": "Care team commands ({teams}):",
    "team_help_line": "/{name}: {text}",
    "team_help_footer": "Alerts and the daily digest come with Acknowledge and Assign buttons.",
    "team_setting_choose": (
        "You are a member of several care teams: run this in the team's alert group. Your teams: {teams}"
    ),
    "team_language_shown": (
        "The care team “{team}” gets its messages in {language}. To change it: /team_language <code>, one of: {choices}"
    ),
    "team_language_changed": "Done: the care team “{team}” now gets its messages in {language}.",
    "team_language_unchanged": "The care team “{team}” already gets its messages in {language}.",
    "team_language_invalid": "“{value}” is not a language I speak. Use one of: {choices}",
    "team_digest_shown": (
        "On a day with nothing new, the daily digest of “{team}” is {mode}. "
        "To change it: /team_digest short or /team_digest quiet"
    ),
    "team_digest_changed": "Done: on a day with nothing new, the daily digest of “{team}” is {mode}.",
    "team_digest_unchanged": "On a day with nothing new, the daily digest of “{team}” is already {mode}.",
    "team_digest_invalid": "“{value}” is not a choice: use /team_digest short or /team_digest quiet.",
    "team_digest_mode_short": "one short line (“nothing new”)",
    "team_digest_mode_quiet": "not sent",
    "team_help_group_unset": (
        "This group is not a care team's alert chat yet. A team member can run /team_chat here first."
    ),
}
