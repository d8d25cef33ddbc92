"""Milestone alerts for the care team: the week-4 course summary and the week 6/12/24 verdicts.

Alias only, never names. The verdict text gives the reasons (pain baseline → latest, PGIC, MNSI) and
the suggestions of CLINICAL.md, from the verdict flag's facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.render.conversation import message_patient_button
from bot.render.digest import figures_text, flag_buttons
from bot.render.flags import b6_intake_words
from bot.texts import CATALOGUES, EN, t
from care.digest import Figures
from care.protocol import B6Thresholds


def _known(key: str, lang: str) -> bool:
    return key in CATALOGUES.get(lang, EN) or key in EN


def week4_text(alias: str, figures: Figures, b6: B6Thresholds, lang: str = "en") -> str:
    """The course so far: doses confirmed since the start (said so), then pain, numbness and B6."""
    if figures.doses_due:
        doses = t("milestone_doses", lang, taken=figures.doses_taken, due=figures.doses_due, pct=figures.adherence_pct)
    else:
        doses = t("fig_none", lang)
    figures_line = figures_text(figures, b6, lang, adherence=False)
    text = t("milestone_week4", lang, alias=alias, doses=doses, figures=figures_line)
    return text.replace(f"\n{t('fig_none', lang)}\n", "\n")  # "no figures yet" once is enough


def _num(value: object) -> str:
    if value is None:
        return "?"
    return f"{float(str(value)):g}"


def verdict_text(payload: Mapping[str, Any], b6: B6Thresholds, lang: str = "en") -> str:
    facts: Mapping[str, Any] = payload.get("facts") or {}
    outcome = str(facts.get("outcome", "?"))
    verdict_key = f"verdict_{outcome}"
    lines = [
        t(
            "verdict_title",
            lang,
            alias=payload.get("alias", "?"),
            week=facts.get("week", "?"),
            verdict=t(verdict_key, lang) if _known(verdict_key, lang) else outcome,
        )
    ]
    pct = facts.get("reduction_pct")
    lines.append(
        t(
            "verdict_pain",
            lang,
            before=_num(facts.get("baseline_pain")),
            after=_num(facts.get("latest_pain")),
            points=_num(facts.get("reduction_points")),
            pct=_num(pct) if pct is not None else "–",
        )
    )
    if facts.get("pain_judged") is False:
        lines.append(t("verdict_pain_not_judged", lang))
    pgic = str(facts.get("pgic") or "")
    pgic = t(f"pgic_{pgic}", lang).lower() if f"pgic_{pgic}" in EN else pgic.replace("_", " ")
    lines.append(t("verdict_pgic", lang, pgic=pgic or "–", numbness=_num(facts.get("latest_numbness"))))
    if facts.get("mnsi") is not None and facts.get("baseline_mnsi") is not None:
        lines.append(t("verdict_mnsi", lang, before=facts["baseline_mnsi"], after=facts["mnsi"]))
    adherence = facts.get("adherence_fraction")
    lines.append(
        t(
            "verdict_context",
            lang,
            adherence=f"{round(100 * float(adherence))}%" if adherence is not None else "–",
            b6=_b6(facts, b6, lang),
            b12=facts.get("baseline_b12") or t("verdict_b12_unknown", lang),
        )
    )
    for suggestion in facts.get("suggestions") or []:
        key = f"suggestion_{suggestion}"
        lines.append(t(key, lang) if _known(key, lang) else str(suggestion))
    lines.append(t("verdict_footer", lang, flag_id=payload.get("flag_id", "?")))
    return "\n".join(lines)


def _b6(facts: Mapping[str, Any], b6: B6Thresholds, lang: str) -> str:
    """The B6 range the patient chose (a verdict raised before ranges were kept: the total assumed)."""
    if "b6_range" in facts:
        return b6_intake_words(facts["b6_range"], float(facts.get("b6_regimen_mg_per_day") or 0), b6, lang)
    return t("b6_total", lang, mg=_num(facts.get("b6_total_mg_per_day")))


def flag_keyboard(payload: Mapping[str, Any], lang: str = "en") -> InlineKeyboardMarkup | None:
    """Acknowledge / Assign to me under a team alert whose payload names the flag and the alias; then
    Message patient (issue 14: `w1:f:<flag id>`)."""
    flag_id = payload.get("flag_id")
    if not isinstance(flag_id, int):
        return None
    alias = str(payload.get("alias", "?"))
    return InlineKeyboardMarkup(
        [flag_buttons(flag_id, alias, lang=lang), [message_patient_button(alias=alias, flag_id=flag_id, lang=lang)]]
    )
