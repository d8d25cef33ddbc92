"""English texts for care teams (team chats and clinicians' private chats). Alias only, never names."""

from __future__ import annotations

TEAM: dict[str, str] = {
    "alert_urgent": "🔴 Urgent · patient {alias}\n{summary}",
    "alert_facts": "Details: {facts}",
    "alert_ack_hint": "Acknowledge in the daily digest or with /ack {flag_id}.",
    "flag.red_flag.rf_tendon": (
        "Red flag: tendon pain, swelling, a pop or cannot bear weight (fluoroquinolone tendinopathy?)"
    ),
    "flag.red_flag.rf_weakness": "Red flag: new or progressing weakness, falls, foot drop or ascending symptoms",
    "flag.red_flag.rf_breathing_swallowing": (
        "Red flag: trouble breathing or swallowing, ptosis or diplopia (myasthenia exacerbation?). "
        "Patient told to call emergency services."
    ),
    "flag.red_flag.rf_chest_abdomen_back_pain": (
        "Red flag: sudden severe chest, abdominal or back pain (aortic aneurysm/dissection?). "
        "Patient told to call emergency services."
    ),
    "flag.red_flag.rf_confusion_self_harm": (
        "Red flag: confusion, hallucinations, seizure or thoughts of self-harm. "
        "Patient told to call emergency services."
    ),
    "flag.red_flag.rf_bladder_bowel_balance": "Red flag: loss of bladder or bowel control, or marked imbalance",
    "flag.red_flag.rf_fluoroquinolone_continuing": (
        "Red flag: still taking a fluoroquinolone while neuropathy continues; the prescriber should review it"
    ),
    "flag.red_flag.rf_injection_allergy": "Red flag: allergic reaction after a B12 injection",
    "flag.b6_intake.urgent": (
        "B6 intake {total_mg_per_day:g} mg/day, above {urgent_above:g} mg/day: review within 24-48 h "
        "(not an emergency){source_note}"
    ),
    "flag.b6_intake.warning": "B6 intake {total_mg_per_day:g} mg/day, above {warning_above:g} mg/day",
    "flag.b6_intake.info": "B6 intake {total_mg_per_day:g} mg/day, above {info_above:g} mg/day",
    "flag.b6_source_note": (
        "; above the {source_figure_mg:g} mg/day that the clinical source names as causing sensory neuropathy"
    ),
    "flag.unreachable": "Patient blocked the bot: no more messages can reach them",
    "flag.generic": "{kind} ({severity})",
    # /team_chat and the /enrol dialogue (bot/handlers/team_enrol.py, bot/services/enrol_*.py)
    "team_chat_set": "This group is now the alert chat of the care team “{team}”. Urgent alerts come here.",
    "team_chat_already": "This group is already the alert chat of the care team “{team}”.",
    "team_chat_private": "Run /team_chat in your care team's Telegram group (add the bot there first).",
    "team_chat_choose": "You are a member of several teams: run /team_chat <team name>, one of: {teams}",
    "team_chat_taken": "This group is already the alert chat of another team.",
    "team_refused": "Sorry, only active members of the care team can do this.",
    "enrol_refused": "Sorry, only active members of a care team can enrol patients.",
    "enrol_private_only": "Please run /enrol in your private chat with me: patient details stay out of the group.",
    "enrol_cancel_hint": "(/cancel stops at any step)",
    "enrol_cancelled": "Enrolment cancelled; nothing was saved.",
    "enrol_nothing": "There is nothing to cancel.",
    "enrol_expired": "This enrolment was idle for more than 30 minutes and has ended; start again with /enrol.",
    "enrol_ended": "The enrolment has ended; start again with /enrol.",
    "enrol_error": "⚠️ {message}",
    "enrol_ask_team": "Enrol a new patient. Which care team?",
    "enrol_ask_alias": (
        "Enrol a new patient in “{team}”.\nType the patient's alias: a pseudonym such as MK-17, never the name."
    ),
    "enrol_ask_regimen": "Which regimen?\n{presets}\nor Custom phases.",
    "enrol_ask_dose": "source-daily: which daily dose? Choose, or type 100-500 (mcg).",
    "enrol_ask_stepdown": "oral-high: step down to 1000 mcg weekly after week 8?",
    "enrol_ask_phases": (
        "Type the phases, separated by ';', each as <dose> <mcg|mg> <oral|im> <daily|weekly|monthly|every N days> "
        "[xN doses]. Only the last phase may go on without xN. For example:\n"
        "1000 mcg oral daily x14; 1000 mcg oral weekly"
    ),
    "enrol_ask_start": "Therapy start date? Choose, or type it as YYYY-MM-DD.",
    "enrol_ask_tz": "The patient's time zone? Choose, or type an IANA name such as Europe/Vienna.",
    "enrol_ask_time": "Reminder time (the patient's local time)? Choose, or type HH:MM.",
    "enrol_ask_b12": "Baseline vitamin B12, if known: type it like 180 ng/L 2026-11-02 (pg/mL and pmol/L work too).",
    "enrol_ask_confirm": (
        "Please check:\nTeam: {team}\nAlias: {alias}\nRegimen: {regimen}\nStart: {start}\n"
        "Time zone: {timezone}\nReminder time: {time}\nBaseline B12: {baseline}"
    ),
    "enrol_done": (
        "Invite for {alias} is ready. Give the patient this link or the QR code below "
        "(single use, valid until {expires}):\n{link}"
    ),
    "enrol_qr_caption": "{alias}: invite QR code, valid until {expires}",
    "btn_enrol_custom": "Custom phases",
    "btn_enrol_today": "Today ({day})",
    "btn_enrol_tomorrow": "Tomorrow ({day})",
    "btn_enrol_monday": "Next Monday ({day})",
    "btn_enrol_skip": "Skip",
    "btn_enrol_confirm": "Confirm",
    "btn_enrol_cancel": "Cancel",
    "err_enrol_buttons": "Please use the buttons for this step.",
    "err_enrol_timezone": "{message}",
    "err_enrol_time": "{message}",
    "err_enrol_dose": "{value!r} is not a number of mcg",
    "err_phases": "I could not read the phase {part!r}; write it like: 1000 mcg oral daily x14",
    "err_phases_count": "give 1 to {most} phases, separated by ';'",
    "err_b12": "{value!r} is not a B12 value; write it like 180 ng/L 2026-11-02 (or press Skip)",
    "err_b12_future": "the B12 date {value} is in the future",
}
