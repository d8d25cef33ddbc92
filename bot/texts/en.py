"""English: patient texts, operator errors, the questionnaire and alerts. Part of the one catalogue."""

from __future__ import annotations

EN: dict[str, str] = {
    # --- footer and general -------------------------------------------------------------
    "footer": "Help: /help · Stop messages: /stop",
    "not_enrolled": (
        "Hello. This bot sends vitamin B12 reminders for patients of a care team.\n"
        "To join, open the link your care team gave you."
    ),
    "help": (
        "I remind you of your vitamin B12 doses and pass your answers to your care team.\n\n"
        "/status: your next dose and the last 7 days\n"
        "/pause: pause reminders · /resume: start them again\n"
        "/time: change the reminder time · /timezone: change the time zone\n"
        "/cancel: drop a question you started, such as /time\n"
        "/stop: stop all messages\n"
        "/language: change the language\n"
        "/mydata: a copy of your data · /delete_my_data: delete it\n"
        "/symptoms: report a symptom that worries you\n\n"
        "I am not an emergency service and no one reads this chat around the clock. "
        "If you feel very unwell, call your local emergency number."
    ),
    # --- links -------------------------------------------------------------------------
    "link_unknown": "This link is not valid. Please check it, or ask your care team for a new one.",
    "link_expired": "This link has expired. Please ask your care team for a new one.",
    "link_used": "This link has already been used. Please ask your care team for a new one.",
    "link_other_chat": "This link was opened in another chat. Please ask your care team for a new one.",
    "already_enrolled": "You are already enrolled. Send /status to see your next dose.",
    "consent": (
        "Hello. Your care team ({team}) asked me to help with your vitamin B12 treatment.\n\n"
        "What I will send: a reminder for each dose ({regimen}), and a few questions about your "
        "symptoms once a week.\n"
        "What I keep: your answers, the times of your doses, and a code name ({alias}). "
        "I never ask for your name.\n"
        "Who sees it: only your care team.\n"
        "I do not diagnose or prescribe: your doctors do. "
        "I am not an emergency service. If you feel very unwell, call your local emergency number.\n"
        "You can stop at any time with /stop.\n\n"
        "Do you agree?"
    ),
    "btn_agree": "I agree",
    "btn_decline": "No thanks",
    "consented": "Thank you. Your first reminder comes on {first_dose}.",
    "consented_no_dose": "Thank you. You are enrolled.",
    "declined": "That is fine. I will not send you anything. Your care team can give you a new link later.",
    "consent_gone": "This question has expired. Please open the link from your care team again.",
    # --- dose reminders ----------------------------------------------------------------
    "dose_oral": "Time for your vitamin B12: {dose}.",
    "dose_injection": "Was your B12 injection ({dose}) given today?",
    "dose_nudge_oral": "A gentle reminder: have you taken your vitamin B12 ({dose})?",
    "dose_nudge_injection": "A gentle reminder: was your B12 injection ({dose}) given?",
    "dose_late": "(This reminder is a little late, sorry.)",
    "dose_closed": "Not confirmed. This dose is closed now; your care team will see it as not confirmed.",
    "phase_switch": "From today your plan changes: {regimen_phase}.",
    "route_oral": "by mouth",
    "route_im": "injection",
    "dose_label": "B12 {amount} {unit} {route}",
    "unit_mcg": "mcg",
    "unit_mg": "mg",
    "btn_taken": "Taken",
    "btn_given": "Given",
    "btn_snooze": "Snooze {minutes} min",
    "btn_skip": "Skip",
    "btn_not_given": "Not given",
    "answer_taken": "✓ Taken at {time}. Thank you.",
    "answer_given": "✓ Injection given. Thank you.",
    "answer_skipped": "Skipped. That is okay. Your care team will see it.",
    "answer_not_given": "Not given. Your care team will see it.",
    "answer_snoozed": "Snoozed. I will remind you again at {time}.",
    "press_recorded": "Saved",
    "press_already": "Already saved: {answer}",
    "press_not_yours": "Sorry, this button is not for you.",
    "press_stale": "Sorry, this button no longer works.",
    "press_snooze_limit": "You cannot snooze this dose again. Please choose Taken or Skip.",
    "press_closed": "This dose is closed. Your care team will see it as not confirmed.",
    "press_already_short": "This dose is already answered.",
    "btn_taken_earlier": "Taken earlier…",
    "btn_taken_at": "at {time}",
    "skip_why": "If you like, tell me why:",
    "skip_reason_forgot": "Forgot",
    "skip_reason_side_effects": "Side effects",
    "skip_reason_ran_out": "Ran out",
    "skip_reason_other": "Other reason",
    "skip_reason_noted": "Reason: {reason}. Thank you for telling me.",
    "status_answer_taken": "taken",
    "status_answer_given": "given",
    "status_answer_skipped": "skipped",
    "status_answer_not_given": "not given",
    "status_answer_snoozed": "snoozed",
    # --- status, pause, stop -----------------------------------------------------------
    "status": "Your plan: {regimen}.\nNext dose: {next_dose}.\n\nLast 7 days:\n{history}",
    "status_paused": "Reminders are paused. Send /resume to start them again.",
    "status_none": "none planned",
    "status_history_empty": "no doses yet",
    "dose_status_planned": "coming",
    "dose_status_sent": "waiting for your answer",
    "dose_status_snoozed": "snoozed",
    "dose_status_taken": "taken",
    "dose_status_skipped": "skipped",
    "dose_status_unconfirmed": "not confirmed",
    "dose_status_missed": "missed",
    "dose_status_not_sent": "paused",
    "paused": "Reminders are paused. Send /resume when you want them again.",
    "already_paused": "Reminders are already paused. Send /resume to start them again.",
    "resumed": "Welcome back. Reminders are on again. Next dose: {next_dose}.",
    "not_paused": "Reminders are on. Send /status to see your next dose.",
    "stop_confirm": ("Stop all messages from me? Your care team will be told, and they keep your record."),
    "btn_stop_yes": "Yes, stop",
    "btn_stop_no": "No, keep going",
    "stopped": "Done. I will not send you any more messages. Take care.",
    "stop_cancelled": "Good, nothing changed.",
    "stopped_already": "You have stopped messages from me. Ask your care team if you want to start again.",
    "discharged_already": (
        "Your care team has finished your reminders, so I send no more. Your record is kept. "
        "If you need help, please contact your care team."
    ),
}

EN.update(
    {
        "btn_not_yet": "Not yet",
        "freq_daily": "every day",
        "freq_times_a_day": "{n} times a day",
        "freq_every_n_days": "every {n} days",
        "freq_every_other_day": "every other day",
        "freq_weekly": "once a week",
        "freq_week_days": "{n} times a week",
        "freq_monthly": "once a month",
        "freq_every_n_months": "every {n} months",
        "phase_text": "{label}, {frequency}",
        "regimen_for": "{phase}, for {span}",
        "regimen_then": "then {phase}",
        "span_days": "{n} days",
        "span_weeks": "{n} weeks",
        "span_months": "{n} months",
        "span_doses": "{n} doses",
    }
)

# --- the questionnaire (patient-facing) --------------------------------------------------
EN.update(
    {
        "q_intro_baseline": (
            "Before we start, a few questions about how you feel, so your care team can follow your progress. "
            "It takes about 5 minutes. You can stop and carry on later."
        ),
        "q_intro_weekly": "Time for this week's questions (week {week}). It takes about 2 minutes.",
        "q_progress": "Question {n} of {total}",
        "q_answer": "Your answer: {answer}",
        "q_thanks": "Thank you. That is all for now. Your care team will see your answers.",
        "q_sum_title": "Your answers:",
        "q_sum_scores": "Pain {pain} · numbness or tingling {numbness} (0 to 10)",
        "q_sum_pgic": "Overall: {answer}",
        "q_sum_mnsi": "Legs and feet: answered",
        "q_sum_b6": "Vitamin B6: {answer}",
        "q_sum_rf_none": "Safety questions: nothing to report",
        "q_sum_rf_some": "Safety questions: you reported a problem, and your care team has been told",
        "q_expired": "This week's questions have closed. That is okay. The next ones come next week.",
        "q_paused": "Paused. Press Continue when you are ready. The questions stay open until {until}.",
        "q_resumed": "Welcome back. Here is where you stopped.",
        "q_went_back": "Going back to the previous question.",
        "q_use_buttons": "Please answer with the buttons under the question.",
        "q_use_buttons_nrs": "Please answer with the buttons under the question, or type a number from 0 to 10.",
        "q_old_question": "This question is already answered. Use Back on the current question to change it.",
        "q_closed": "These questions are closed.",
        "q_multi_hint": "Tap all that apply, then Done. “None of these” answers at once.",
        "btn_back": "« Back",
        "btn_later": "Later",
        "btn_continue": "Continue",
        "btn_done": "Done",
        "btn_yes": "Yes",
        "btn_no": "No",
        "q_pain": "In the past 7 days, how bad was your pain, on average?",
        "q_pain_scale": "0 = no pain · 10 = the worst pain you can imagine",
        "q_numbness": "In the past 7 days, how strong was the numbness or tingling, on average?",
        "q_numbness_scale": "0 = none · 10 = the worst you can imagine",
        "q_pgic": "Since you started vitamin B12, how are your symptoms overall?",
        "pgic_very_much_improved": "Very much better",
        "pgic_much_improved": "Much better",
        "pgic_minimally_improved": "A little better",
        "pgic_no_change": "No change",
        "pgic_minimally_worse": "A little worse",
        "pgic_much_worse": "Much worse",
        "pgic_very_much_worse": "Very much worse",
        "q_b6_products": "Do you take any of these? Many contain vitamin B6.",
        "b6p_b_complex": "Vitamin B complex",
        "b6p_multivitamin": "Multivitamin",
        "b6p_magnesium_b6": "Magnesium with B6",
        "b6p_energy_drinks": "Energy drinks",
        "b6p_other": "Other product with B6",
        "b6p_none": "None of these",
        "q_b6_dose": "How much vitamin B6 is that in total per day? Look for 'B6' or 'pyridoxine' on the labels.",
        "b6d_none": "0 mg",
        "b6d_under_10": "Up to 10 mg",
        "b6d_10_50": "10 to 50 mg",
        "b6d_50_100": "50 to 100 mg",
        "b6d_100_500": "100 to 500 mg",
        "b6d_over_500": "More than 500 mg",
        "b6d_not_sure": "Not sure",
        "q_mnsi_intro": "Questions about your legs and feet (answer yes or no).",
        "q_mnsi_1": "Are your legs or feet numb?",
        "q_mnsi_2": "Do you ever have burning pain in your legs or feet?",
        "q_mnsi_3": "Are your feet too sensitive to touch?",
        "q_mnsi_4": "Do you get muscle cramps in your legs or feet?",
        "q_mnsi_5": "Do you ever have prickling feelings in your legs or feet?",
        "q_mnsi_6": "Does it hurt when the bed covers touch your skin?",
        "q_mnsi_7": "In the bath or shower, can you tell hot water from cold water?",
        "q_mnsi_8": "Have you ever had an open sore on your foot?",
        "q_mnsi_9": "Has a doctor ever told you that you have diabetic neuropathy?",
        "q_mnsi_10": "Do you feel weak all over most of the time?",
        "q_mnsi_11": "Are your symptoms worse at night?",
        "q_mnsi_12": "Do your legs hurt when you walk?",
        "q_mnsi_13": "Can you feel your feet when you walk?",
        "q_mnsi_14": "Is the skin on your feet so dry that it cracks open?",
        "q_mnsi_15": "Have you ever had an amputation?",
        # the red-flag screen (bot/render/red_flag_screen.py): in the weekly questions and with /symptoms
        "rf_disclaimer": (
            "⚠️ This is not a diagnosis. This chat is not watched around the clock. "
            "In an emergency, call your local emergency number."
        ),
        "rf_ask_week": "Have you had any of these since last week?",
        "rf_ask_now": "Do you have any of these now?",
        "rf_pick_hint": "Tap each one that applies, then Done.",
        "rf_btn_none": "None of these",
        "rf_btn_some": "Yes, one or more",
        "q_rf_tendon": "Tendon pain or swelling, a 'pop', or you cannot stand on a leg",
        "q_rf_weakness": "New or quickly growing weakness, falls, a dragging foot, or symptoms moving up your body",
        "q_rf_breathing_swallowing": "Trouble breathing or swallowing, drooping eyelids, or double vision",
        "q_rf_chest_abdomen_back_pain": "Sudden, severe pain in your chest, belly or back",
        "q_rf_confusion_self_harm": "Confusion, seeing or hearing things, a seizure, or thoughts of harming yourself",
        "q_rf_bladder_bowel": "Loss of bladder or bowel control",
        "q_rf_imbalance": "A lot of trouble with balance",
        "q_rf_fluoroquinolone_continuing": "You are still taking levofloxacin or a similar antibiotic",
        "q_rf_allergy_severe": "After a B12 injection: trouble breathing, or swelling of the face or throat",
        "q_rf_allergy_rash": "After a B12 injection: a rash only",
        "rf_btn_rf_tendon": "Tendon pain or swelling",
        "rf_btn_rf_weakness": "Weakness, falls",
        "rf_btn_rf_breathing_swallowing": "Breathing, swallowing, eyes",
        "rf_btn_rf_chest_abdomen_back_pain": "Sudden severe pain",
        "rf_btn_rf_confusion_self_harm": "Confusion, seizure, self-harm",
        "rf_btn_rf_bladder_bowel": "Bladder or bowel control",
        "rf_btn_rf_imbalance": "Balance",
        "rf_btn_rf_fluoroquinolone_continuing": "Still taking the antibiotic",
        "rf_btn_rf_allergy_severe": "Injection: breathing, swelling",
        "rf_btn_rf_allergy_rash": "Injection: rash only",
        # the advice after a report (bot/render/red_flags.py; care/red_flags.py says which)
        "rf_adv_emergency": "🚨 Please call {numbers} now. Do not wait for an answer in this chat.",
        "rf_adv_tendon": (
            "Rest the painful limb. Avoid exercise and any strenuous use of it. Contact your doctor today."
        ),
        "rf_adv_doctor_today": "Please contact your doctor today.",
        "rf_adv_prescriber": (
            "Tell the doctor who prescribed the antibiotic today. Do not stop or change any medicine on your own."
        ),
        "rf_adv_crisis_line": "If you have thoughts of harming yourself, you can also call {line}.",
        "rf_team_told": "I have passed this on to your care team.",
        "rf_hours": (
            "Your care team reads this chat {hours}. Outside those hours, call your doctor or an out-of-hours "
            "service; in an emergency, call {numbers}."
        ),
        "rf_no_hours": (
            "This chat is not watched around the clock. If you cannot wait, call your doctor or an out-of-hours "
            "service; in an emergency, call {numbers}."
        ),
        "rf_numbers_any": "your local emergency number (112 in Europe, 911 in the US, 999 in the UK)",
        "rf_numbers_or": "{first} (or {other})",
        "rf_nothing": "Thank you. Nothing to report. If anything changes, send /symptoms at any time.",
        "rf_closed": "This list is closed. Send /symptoms to open it again.",
        "rf_cancelled": "Closed. Send /symptoms at any time.",
        "btn_report_symptom": "⚠️ Report a symptom",
        "btn_cancel_symptoms": "Close",
        "rf_reported": "You reported:",
        "yes": "Yes",
        "no": "No",
    }
)

# --- the patient's language (bot/handlers/language.py) -----------------------------------
EN.update(
    {
        "lang_choose": "Please choose your language.",
        "lang_ask": "Which language should I use?",
        "lang_set": "Done. I will write to you in English.",
        "lang_unknown": "I do not know the language “{code}”. Please choose one of: {choices}.",
    }
)
