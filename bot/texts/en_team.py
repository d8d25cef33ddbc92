"""English texts for care teams (team chats and clinicians' private chats). Alias only, never names."""

from __future__ import annotations

TEAM: dict[str, str] = {
    "member_joined": "Welcome. You are now a member of the care team “{team}”.",
    "member_already": "You are already a member of the care team “{team}”.",
    "alert_urgent": "🔴 Urgent · patient {alias}\n{summary}",
    "alert_facts": "Details: {facts}",
    "alert_ack_hint": "Acknowledge with the buttons below, in the daily digest, or with /ack {flag_id}.",
    "flag.red_flag.rf_tendon": (
        "Red flag: tendon pain, swelling, a pop or cannot bear weight (fluoroquinolone tendinopathy?). "
        "Patient told to rest the limb and contact their doctor today."
    ),
    "flag.red_flag.rf_weakness": (
        "Red flag: new or progressing weakness, falls, foot drop or ascending symptoms (Guillain-Barré-like?). "
        "Patient told to call emergency services."
    ),
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
    "flag.red_flag.rf_bladder_bowel": (
        "Red flag: loss of bladder or bowel control. Patient told to call emergency services."
    ),
    "flag.red_flag.rf_imbalance": (
        "Red flag: marked imbalance (no loss of bladder or bowel control). Patient told to contact their doctor today."
    ),
    "flag.red_flag.rf_bladder_bowel_balance": "Red flag: loss of bladder or bowel control, or marked imbalance",
    "flag.red_flag.rf_fluoroquinolone_continuing": (
        "Red flag: still taking a fluoroquinolone while neuropathy continues; the prescriber should review it. "
        "Patient told to tell the prescriber today and not to change medicines on their own."
    ),
    "flag.red_flag.rf_allergy_severe": (
        "Red flag: allergic reaction after a B12 injection, with trouble breathing or swelling of the face or "
        "throat. Patient told to call emergency services."
    ),
    "flag.red_flag.rf_allergy_rash": (
        "Red flag: rash after a B12 injection (no trouble breathing or swelling). Patient told to contact their "
        "doctor today."
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
    # /team_hours (bot/handlers/team_hours.py): when the team reads messages, shown to patients
    "team_hours_shown": (
        "Reading hours of “{team}”: {hours} ({timezone}). Patients see them with every red-flag advice.\n"
        "Change: /team_hours Mon-Fri 08:00-17:00 · clear: /team_hours off"
    ),
    "team_hours_none": (
        "“{team}” has no reading hours: patients are told that the chat is not watched around the clock.\n"
        "Set them: /team_hours Mon-Fri 08:00-17:00 (several windows: Mon-Fri 08:00-17:00; Sat 09:00-12:00)"
    ),
    "team_hours_set": (
        "Reading hours of “{team}” are now {hours} ({timezone}). Patients see them with every red-flag advice."
    ),
    "team_hours_cleared": (
        "Reading hours of “{team}” cleared: patients are told that the chat is not watched around the clock."
    ),
    "team_hours_invalid": "Not changed: {error}. For example: /team_hours Mon-Fri 08:00-17:00",
    "team_hours_several": "You are in several care teams ({teams}): run /team_hours in that team's alert group.",
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

# --- /patients, /patient, /pause_patient, /resume_patient, /discharge (team views) ----------------
TEAM.update(
    {
        "tv_refused": "Sorry, this is only for active members of the patient's care team.",
        "err_export_path": "cannot write the export to {path}: {reason}",
        "tv_no_patient": "No patient {alias} in your care team.",
        "tv_ambiguous": "{alias} is in more than one of your teams: please ask in that team's group.",
        "tv_usage": "Usage: /{command} <alias>, for example /{command} MK-17",
        "tv_list_header": "Patients, page {page} of {pages} ({total} in all)",
        "tv_list_empty": "No patients yet.",
        "tv_list_team": "— {team} —",
        "tv_list_line": (
            "{alias} · {status} · doses {adherence} · pain {pain} · numbness {numbness} · open flags {flags}"
        ),
        "tv_list_legend": (
            "doses: confirmed in the last 14 days; pain, numbness: latest answers (0-10; the numbness scale is "
            "not a validated instrument)"
        ),
        "tv_none": "–",
        "tv_status_invited": "invited",
        "tv_status_declined": "declined",
        "tv_status_active": "active",
        "tv_status_paused": "paused",
        "tv_status_stopped": "stopped",
        "tv_status_discharged": "discharged",
        "tv_status_unreachable": "unreachable",
        "btn_prev": "‹ Prev",
        "btn_next": "Next ›",
        "tv_view": (
            "Patient {alias} ({team}) · {status}\n"
            "Regimen: {regimen}\n"
            "Therapy start: {start} · {week}\n"
            "Doses confirmed, last 14 days: {adherence}\n"
            "Pain (0-10): {pain}\n"
            "Numbness/tingling (0-10, not a validated scale): {numbness}\n"
            "MNSI (0-13, ≥ 4 abnormal): {mnsi}\n"
            "Vitamin B6 reported: {b6}\n"
            "Baseline B12: {b12}"
        ),
        "tv_week": "week {week} of therapy",
        "tv_not_started": "not started yet",
        "tv_at_week": "week {week}",
        "tv_at_baseline": "baseline",
        "tv_change": "{baseline} at baseline → {latest} in week {week}",
        "tv_only_baseline": "{baseline} at baseline",
        "tv_adherence": "{pct}% ({taken} of {due})",
        "tv_b6": "{mg:g} mg/day (week {week})",
        "tv_b6_unsure": "not sure of the dose (week {week})",
        "tv_flags_header": "Open flags (acknowledge with /ack <id>):",
        "tv_flag_line": "#{id} · {kind} · {severity} · raised {raised}",
        "tv_flags_none": "No open flags.",
        "tv_chart_caption": (
            "{alias}: pain and numbness by week, doses confirmed, baseline (dashed), milestones (dotted)"
        ),
        "tv_chart_pain": "pain (NRS)",
        "tv_chart_numbness": "numbness/tingling (NRS)",
        "tv_chart_doses": "doses confirmed (%)",
        "tv_chart_baseline": "baseline",
        "tv_chart_week": "week of therapy (0 = baseline)",
        "tv_chart_nrs": "NRS 0-10",
        "tv_paused": "Reminders for {alias} are paused; the patient was told. Resume with /resume_patient {alias}",
        "tv_already_paused": "{alias} is already paused.",
        "tv_resumed": "Reminders for {alias} are on again; the patient was told.",
        "tv_not_paused": "{alias} is not paused.",
        "tv_not_changed": "{alias} is {status}: nothing changed.",
        "tv_discharge_confirm": (
            "Discharge {alias}? Reminders and questions end, the record is kept, "
            "and the patient gets a short, kind goodbye."
        ),
        "btn_discharge": "Confirm discharge",
        "btn_cancel": "Cancel",
        "tv_discharged": "{alias} is discharged. The record is kept.",
        "tv_discharge_cancelled": "Nothing changed.",
        # patient-facing (sent through the outbox with the help/stop footer)
        "pt_team_paused": (
            "Your care team has paused your reminders for now. You do not need to do anything; "
            "they will let you know when the reminders start again."
        ),
        "pt_team_resumed": "Your care team has turned your vitamin B12 reminders on again.",
        "pt_discharged": (
            "Your care team has finished your follow-up with this bot, so I will not send you any more "
            "reminders or questions. Thank you for taking part, and take good care. "
            "If you have questions about your treatment, please contact your care team."
        ),
    }
)

# --- daily digest, milestone alerts, Acknowledge / Assign to me (bot/render_digest.py, render_milestones.py) ---
TEAM.update(
    {
        "flag.worsening": "Worsening: pain well above baseline, or the patient reports feeling much worse",
        "flag.poor_improvement.poor": "Poor improvement at the milestone",
        "flag.milestone_verdict.good": "Milestone verdict: good improvement",
        "flag.milestone_verdict.partial": "Milestone verdict: partial improvement",
        "flag.milestone_verdict.residual_symptoms": "Milestone verdict: improved, with residual symptoms",
        "flag.low_adherence": "Low adherence: fewer than 80% of doses confirmed over 14 days",
        "flag.injection_unconfirmed": "An injection has not been confirmed for 7 days",
        "flag.missed_questionnaires": "Two weekly questionnaires missed in a row",
        "flag.b6_unsure": "Patient is not sure of their vitamin B6 dose: please review the product labels",
        "fig_pain": "pain {before} → {after}",
        "fig_numbness": "numbness {before} → {after}",
        "fig_adherence": "doses confirmed {pct}% ({taken}/{due}, 14 d)",
        "fig_b6": "B6 {mg:g} mg/day",
        "fig_none": "no figures yet",
        "digest_title": "📋 Daily digest · {team} · {date}",
        "digest_part": "(part {part} of {parts})",
        "digest_severity_urgent": "🔴 Urgent ({count})",
        "digest_severity_warning": "🟠 Warning ({count})",
        "digest_severity_info": "🔵 For information ({count})",
        "digest_flag": "#{flag_id} · {alias}: {summary}",
        "digest_flag_acknowledged": " (acknowledged)",
        "digest_no_flags": "No new flags since the last digest.",
        "digest_unreachable": "📵 Unreachable (blocked the bot): {aliases}",
        "digest_silent": "🔇 Silent for 7 days or more: {aliases}",
        "digest_milestones": "📅 Milestones this week:",
        "digest_milestone_line": "{day}: {alias}, week {week}{what}",
        "milestone_what_4": " (follow-up window opens, weeks 4-6)",
        "milestone_what_6": " (week-6 evaluation)",
        "milestone_what_12": " (month 3)",
        "milestone_what_24": " (month 6)",
        "digest_cohort": "Cohort: {active} active · mean adherence {adherence} · {open_flags} open flags",
        "btn_flag_ack": "✓ Acknowledge #{flag_id} {alias}",
        "btn_flag_assign": "👤 Assign #{flag_id} to me",
        "milestone_doses": "{taken}/{due} ({pct}%)",
        "milestone_week4": (
            "📅 {alias}: week 4, the follow-up window opens (weeks 4-6).\n"
            "Course so far: doses confirmed {doses}.\n{figures}\n"
            "The week-6 evaluation follows."
        ),
        "verdict_title": "📊 {alias}: week {week} milestone, verdict: {verdict}",
        "verdict_good": "good improvement",
        "verdict_partial": "partial improvement",
        "verdict_poor": "poor improvement",
        "verdict_residual_symptoms": "improved, with residual symptoms (a normal outcome)",
        "verdict_pain": "Pain {before} → {after} (fell {points} points, {pct}%)",
        "verdict_pain_not_judged": "Baseline pain too low to show a change: the impression of change decides.",
        "verdict_pgic": "Impression of change: {pgic} · numbness now {numbness}",
        "verdict_mnsi": "MNSI {before} → {after}",
        "verdict_context": "Adherence (14 d): {adherence} · B6 {b6} mg/day · baseline B12: {b12}",
        "verdict_b12_unknown": "not recorded",
        "suggestion_consider_im_or_higher_dose": (
            "Suggestion: consider IM B12 or a higher oral dose (NICE NG239: not improved on oral)."
        ),
        "suggestion_consider_rechecking_b12": "Suggestion: symptoms persist; consider rechecking B12.",
        "verdict_footer": "The bot supports your review; it does not diagnose or prescribe. /ack {flag_id}",
        "flag_refused": "Sorry, only active members of this patient's care team can do this.",
        "flag_ack_done": "Acknowledged by you.",
        "flag_ack_already": "Already acknowledged.",
        "flag_assign_done": "Assigned to you.",
        "flag_assign_already": "Already assigned to you.",
        "flag_assign_other": "Already assigned to another member.",
        "flag_ack_line": "✓ #{flag_id} {alias} acknowledged",
        "flag_ack_line_you": "✓ #{flag_id} {alias} acknowledged by you",
        "flag_assign_line": "👤 #{flag_id} {alias} assigned",
        "flag_assign_line_you": "👤 #{flag_id} {alias} assigned to you",
        "flag_ack_already_line": "#{flag_id} {alias} was already acknowledged.",
        "flag_ack_usage": "Usage: /ack <flag number>, for example /ack 12",
    }
)
