"""English texts for care teams (team chats and clinicians' private chats). Alias only, never names."""

from __future__ import annotations

TEAM: dict[str, str] = {
    "member_joined": "Welcome. You are now a member of the care team “{team}”.",
    "member_already": "You are already a member of the care team “{team}”.",
    "alert_urgent": "🔴 Urgent · patient {alias}\n{summary}",
    "alert_ack_hint": "Acknowledge with the buttons below, in the daily digest, or with /ack {flag_id}.",
    # what each flag says to the team: what happened, in words (never a stored key), and what to do
    "flag.red_flag.rf_tendon": (
        "Red flag: the patient reports tendon pain or swelling, a “pop”, or cannot bear weight "
        "(fluoroquinolone tendinopathy?)."
    ),
    "flag.red_flag.rf_weakness": (
        "Red flag: the patient reports new or quickly progressing weakness, falls, foot drop, or symptoms "
        "spreading upward."
    ),
    "flag.red_flag.rf_breathing_swallowing": (
        "Red flag: the patient reports trouble breathing or swallowing, drooping eyelids or double vision "
        "(myasthenia exacerbation?)."
    ),
    "flag.red_flag.rf_chest_abdomen_back_pain": (
        "Red flag: the patient reports sudden severe chest, abdominal or back pain (aortic aneurysm or dissection?)."
    ),
    "flag.red_flag.rf_confusion_self_harm": (
        "Red flag: the patient reports confusion, hallucinations, a seizure or thoughts of self-harm."
    ),
    "flag.red_flag.rf_bladder_bowel_balance": (
        "Red flag: the patient reports loss of bladder or bowel control, or marked imbalance."
    ),
    "flag.red_flag.rf_bladder_bowel": "Red flag: the patient reports loss of bladder or bowel control.",
    "flag.red_flag.rf_imbalance": (
        "Red flag: the patient reports marked imbalance (no loss of bladder or bowel control)."
    ),
    "flag.red_flag.rf_fluoroquinolone_continuing": (
        "Red flag: the patient is still taking levofloxacin or another fluoroquinolone while the neuropathy "
        "continues; the prescriber should review it (the patient was told not to change medicines on their own)."
    ),
    "flag.red_flag.rf_allergy_severe": (
        "Red flag: the patient reports an allergic reaction after a B12 injection, with trouble breathing or "
        "swelling of the face or throat."
    ),
    "flag.red_flag.rf_allergy_rash": (
        "Red flag: the patient reports a rash after a B12 injection (no trouble breathing or swelling)."
    ),
    "flag.red_flag.rf_injection_allergy": "Red flag: the patient reports an allergic reaction after a B12 injection.",
    "flag.red_flag.generic": "Red flag: the patient answered yes to a warning sign.",
    "flag_rf_emergency": "The patient was told to call the emergency number now. Call the patient as soon as you can.",
    "flag_rf_today": "The patient was told to contact their doctor today. Call the patient today.",
    "flag.b6_intake.urgent": (
        "Vitamin B6: the patient reports {intake}{products}. At the top of that range the total is above "
        "{urgent_above:g} mg/day{source_note}. Review within 24-48 hours (not an emergency): go through the "
        "labels with the patient."
    ),
    "flag.b6_intake.warning": (
        "Vitamin B6: the patient reports {intake}{products}. At the top of that range the total is above "
        "{warning_above:g} mg/day. Go through the labels with the patient at the next contact."
    ),
    "flag.b6_intake.info": (
        "Vitamin B6: the patient reports {intake}{products}. At the top of that range the total is above "
        "{info_above:g} mg/day. For information."
    ),
    "flag.b6_raised": " Raised one level: numbness is {rise} points worse.",
    "flag.b6_source_note": (
        ", above the {source_figure_mg:g} mg/day that the clinical source names as causing sensory neuropathy"
    ),
    "b6_products_taken": " ({products})",
    "b6_range": "{low:g} to {high:g} mg/day",
    "b6_range_up_to": "up to {high:g} mg/day",
    "b6_range_over": "more than {low:g} mg/day",
    "b6_range_none": "no B6 from products",
    "b6_range_not_sure": "not sure of the B6 dose",
    "b6_with_regimen": "{intake}, plus {regimen:g} mg/day in the prescribed regimen",
    "flag.unreachable": "The patient blocked the bot: no reminders or questions reach them. Contact them another way.",
    "flag.generic": "{kind} ({severity}).",
    "flag_kind_other": "A finding for the care team",
    "sev_urgent": "urgent",
    "sev_warning": "warning",
    "sev_info": "for information",
    # /team_chat and the /enrol dialogue (bot/handlers/team_enrol.py, services/enrol_*.py)
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
        "tv_group_unset": (
            "This group is not your care team's alert chat yet: run /team_chat here first "
            "(or use these commands in your private chat with me)."
        ),
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
        "tv_b6": "{intake} (week {week})",
        "tv_b6_unsure": "not sure of the dose (week {week})",
        "tv_flags_header": "Open flags (acknowledge with /ack <id>):",
        "tv_flag_line": "#{id} · {severity} · raised {raised}\n    {summary}",
        "tv_flags_none": "No open flags.",
        "tv_chart_caption": (
            "{alias}: pain and numbness by week (baseline dashed), doses confirmed per week (0% as a dark mark, "
            "weeks with nothing due hatched), flags and verdicts on top, today as a green line"
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

# --- daily digest, milestone alerts, Acknowledge / Assign to me (bot/render/digest.py, bot/render/milestones.py) ---
TEAM.update(
    {
        "flag.worsening": "Worsening: {what}. Call the patient this week.",
        "worsening_pain": "pain {baseline_pain} at baseline, now {pain} (0-10)",
        "worsening_pgic": "the patient feels “{pgic}” since starting B12",
        "worsening_and": " and ",
        "worsening_unknown": "the patient's answers are worse than at baseline",
        "flag.poor_improvement.poor": "Poor improvement at the week-{week} milestone: see the verdict alert.",
        "flag.milestone_verdict.good": "Week-{week} milestone: good improvement.",
        "flag.milestone_verdict.partial": "Week-{week} milestone: partial improvement.",
        "flag.milestone_verdict.residual_symptoms": (
            "Week-{week} milestone: improved, with residual symptoms (a normal outcome)."
        ),
        "flag.low_adherence": (
            "Low adherence: {taken} of {due} doses confirmed over the last 14 days ({pct}%, below {threshold_pct}%). "
            "Ask the patient what gets in the way."
        ),
        "flag.injection_unconfirmed": (
            "The injection due on {due_day} has not been confirmed for 7 days. Check whether it was given."
        ),
        "flag.missed_questionnaires": "Weekly questionnaires missed in a row (weeks {weeks}). Check on the patient.",
        "flag.b6_unsure": (
            "Vitamin B6: the patient is not sure how much they take{products}. Go through the labels with them."
        ),
        "fig_pain": "pain {before} → {after}",
        "fig_numbness": "numbness {before} → {after}",
        "fig_adherence": "doses confirmed {pct}% ({taken}/{due}, last 14 days)",
        "fig_b6": "B6 {intake}",
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
        "digest_cohort": "Cohort: {figures}",
        "digest_active": "{n} active patients",
        "digest_open_flags": "{n} open flags",
        "digest_mean_adherence": "doses confirmed {pct}% (mean over 14 days)",
        "digest_nothing_new": "📋 {team} · {date}: nothing new since the last digest.",
        "btn_flag_ack": "✓ Acknowledge #{flag_id} {alias}",
        "btn_flag_assign": "👤 Assign #{flag_id} to me",
        "milestone_doses": "{taken}/{due} ({pct}%)",
        "milestone_week4": (
            "📅 {alias}: week 4, the follow-up window opens (weeks 4-6).\n"
            "Doses confirmed since the start of therapy: {doses}.\n{figures}\n"
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
        "verdict_context": "Doses confirmed (last 14 days): {adherence} · B6: {b6} · baseline B12: {b12}",
        "b6_total": "{mg} mg/day in total",
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
        "flag_missing": (
            "There is no open flag #{flag_id} for your care team here. The flag numbers are in the alerts, "
            "the daily digest and /patient <alias>."
        ),
    }
)
