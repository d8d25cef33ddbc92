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
}
