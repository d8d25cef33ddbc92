"""Turning plain data into Telegram texts and keyboards."""

from __future__ import annotations

import functools
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import EN, t


def amount(value: float) -> str:
    return f"{value:g}"


def dose_label(phase: dict[str, Any], lang: str = "en") -> str:
    return t(
        "dose_label",
        lang,
        amount=amount(phase["dose"]),
        unit=unit(phase["unit"], lang),
        route=t(f"route_{phase['route']}", lang),
    )


def unit(name: str, lang: str = "en") -> str:
    """mcg or mg in the patient's language (Russian мкг, мг); any other unit as it is."""
    return t(f"unit_{name}", lang) if f"unit_{name}" in EN else name


def frequency(phase: dict[str, Any], lang: str = "en") -> str:
    if phase.get("week_days"):
        text = t("freq_week_days", lang, n=len(phase["week_days"]))
    elif phase.get("every_months"):
        n = phase["every_months"]
        text = t("freq_monthly", lang) if n == 1 else t("freq_every_n_months", lang, n=n)
    else:
        n = phase.get("every_days", 1)
        key = {1: "freq_daily", 2: "freq_every_other_day", 7: "freq_weekly"}.get(n, "freq_every_n_days")
        text = t(key, lang, n=n)
    if phase.get("times_per_day", 1) > 1:
        text = t("freq_times_a_day", lang, n=phase["times_per_day"])
    return text


def phase_text(phase: dict[str, Any], lang: str = "en") -> str:
    return t("phase_text", lang, label=dose_label(phase, lang), frequency=frequency(phase, lang))


def dose_keyboard(
    dose_id: int, *, route: str, snoozes: int, max_snoozes: int, snooze_minutes: int, lang: str = "en"
) -> InlineKeyboardMarkup:
    injection = route == "im"
    taken, later, skip, earlier = _labels(lang, injection, snooze_minutes)
    buttons = [InlineKeyboardButton(taken, callback_data=f"d1:{dose_id}:t")]
    if snoozes < max_snoozes:
        buttons.append(InlineKeyboardButton(later, callback_data=f"d1:{dose_id}:s"))
    buttons.append(InlineKeyboardButton(skip, callback_data=f"d1:{dose_id}:k"))
    if injection:
        return InlineKeyboardMarkup([buttons, [_report(lang)]])
    return InlineKeyboardMarkup(
        [buttons, [InlineKeyboardButton(earlier, callback_data=f"d1:{dose_id}:e"), _report(lang)]]
    )


@functools.cache
def _labels(lang: str, injection: bool, snooze_minutes: int) -> tuple[str, str, str, str]:
    """The buttons' texts of a dose's keyboard, looked up once per language (issue 17: every reminder has them)."""
    if injection:
        return t("btn_given", lang), t("btn_not_yet", lang), t("btn_not_given", lang), ""
    snooze = t("btn_snooze", lang, minutes=snooze_minutes)
    return t("btn_taken", lang), snooze, t("btn_skip", lang), t("btn_taken_earlier", lang)


@functools.cache
def _report(lang: str) -> InlineKeyboardButton:
    """Report a symptom (bot/handlers/symptoms.py): the same button on every reminder (PTB's are immutable)."""
    return InlineKeyboardButton(t("btn_report_symptom", lang), callback_data="r1:o")


def yes_no(yes_key: str, no_key: str, yes_data: str, no_data: str, lang: str = "en") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(yes_key, lang), callback_data=yes_data),
                InlineKeyboardButton(t(no_key, lang), callback_data=no_data),
            ]
        ]
    )
