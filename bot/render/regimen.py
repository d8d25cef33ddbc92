"""A regimen in words, from its phases, in any language: dose, how often, for how long, then the next.

One structure for every language (English included), so no language can lose a phase's duration:
"B12 1 mg injection, 3 times a week, for 2 weeks; then every 3 months".
"""

from __future__ import annotations

from typing import Any

from bot.render.doses import dose_label, frequency
from bot.texts import t

WEEK = 7


def span(phase: dict[str, Any], lang: str = "en") -> str:
    """How long a phase lasts ("2 weeks", "7 days", "10 doses"), or "" when it goes on."""
    days, doses = phase.get("duration_days"), phase.get("dose_days")
    if days:
        return t("span_weeks", lang, n=days // WEEK) if days % WEEK == 0 else t("span_days", lang, n=days)
    if not doses:
        return ""
    if phase.get("every_months"):
        return t("span_months", lang, n=doses * phase["every_months"])
    if phase.get("week_days"):
        return t("span_weeks", lang, n=-(-doses // len(phase["week_days"])))
    every = phase.get("every_days", 1)
    if every == 1:
        return t("span_days", lang, n=doses)
    if (doses * every) % WEEK == 0 and every % WEEK == 0:
        return t("span_weeks", lang, n=doses * every // WEEK)
    return t("span_doses", lang, n=doses)


def regimen_words(regimen: dict[str, Any], lang: str = "en") -> str:
    """Every phase with its duration, joined by "then"; a dose repeated from the phase before is not repeated."""
    parts: list[str] = []
    before = None
    for phase in regimen.get("phases", []):
        label = dose_label(phase, lang)
        text = t("phase_text", lang, label=label, frequency=frequency(phase, lang)) if label != before else ""
        text = text or frequency(phase, lang)
        if lasting := span(phase, lang):
            text = t("regimen_for", lang, phase=text, span=lasting)
        parts.append(text if not parts else t("regimen_then", lang, phase=text))
        before = label
    return "; ".join(parts)
