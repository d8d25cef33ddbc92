"""The patient's advice after a red-flag report, and the team's reading hours in the patient's language.

What to say per symptom is care/red_flags.py (CLINICAL.md); here it becomes text: the emergency number(s)
for the patient's time zone, the per-symptom advice, a crisis line when the protocol names one, and when
the care team reads messages (the team's hours) with what to do outside them. Nothing here promises that
someone will contact the patient.
"""

from __future__ import annotations

from bot.texts import t
from care.hours import HoursError, day_runs, parse_hours
from care.red_flags import NUMBERS, Advice, Region, advice_for, region_of
from services.red_flag_advice import AdviceFacts


def emergency_numbers(timezone: str, lang: str) -> str:
    """ "112", "999 (or 112)", "911", or every number with its region when the zone says too little."""
    region = region_of(timezone)
    if region is Region.UNKNOWN:
        return t("rf_numbers_any", lang)
    first, *more = NUMBERS[region]
    return t("rf_numbers_or", lang, first=first, other=more[0]) if more else first


def hours_text(hours: str | None, timezone: str, lang: str) -> str | None:
    """The team's hours with the day names of `lang` ("lun-vie 08:00-17:00"), None when not set or unreadable."""
    if not hours:
        return None
    try:
        parsed = parse_hours(hours)
    except HoursError:
        return None
    from babel.dates import get_day_names  # Babel at its first use, not at start-up (issue 17)

    days = get_day_names("abbreviated", locale=lang)  # 0 = Monday
    windows = []
    for window in parsed.windows:
        runs = [days[a] if a == b else f"{days[a]}-{days[b]}" for a, b in day_runs(window.days)]
        span = f"{window.start // 60:02d}:{window.start % 60:02d}-{window.end // 60:02d}:{window.end % 60:02d}"
        windows.append(f"{', '.join(runs)} {span}")
    return f"{'; '.join(windows)} ({timezone})"


def when_team_reads(hours: str | None, team_timezone: str, patient_timezone: str, lang: str) -> str:
    """When the care team reads this chat, and what to do outside those hours (or: not around the clock)."""
    numbers = emergency_numbers(patient_timezone, lang)
    shown = hours_text(hours, team_timezone, lang)
    if shown is None:
        return t("rf_no_hours", lang, numbers=numbers)
    return t("rf_hours", lang, hours=shown, numbers=numbers)


def advice_text(facts: AdviceFacts, lang: str) -> str:
    """The whole advice message (without the footer): most urgent first."""
    advice = advice_for(facts.reported)
    numbers = emergency_numbers(facts.timezone, lang)
    lines = []
    for item in advice.items:
        if item is Advice.EMERGENCY:
            lines.append(t("rf_adv_emergency", lang, numbers=numbers))
        elif item is Advice.CRISIS_LINE:
            if facts.crisis_line:
                lines.append(t("rf_adv_crisis_line", lang, line=facts.crisis_line))
        else:
            lines.append(t(f"rf_adv_{item}", lang))
    lines.append(t("rf_team_told", lang))
    lines.append(when_team_reads(facts.hours, facts.team_timezone, facts.timezone, lang))
    return "\n\n".join(lines)
