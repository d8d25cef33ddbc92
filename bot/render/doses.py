"""Turning plain data into Telegram texts and keyboards."""

from __future__ import annotations

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
    buttons = [
        InlineKeyboardButton(t("btn_given" if injection else "btn_taken", lang), callback_data=f"d1:{dose_id}:t")
    ]
    if snoozes < max_snoozes:
        label = t("btn_not_yet", lang) if injection else t("btn_snooze", lang, minutes=snooze_minutes)
        buttons.append(InlineKeyboardButton(label, callback_data=f"d1:{dose_id}:s"))
    buttons.append(
        InlineKeyboardButton(t("btn_not_given" if injection else "btn_skip", lang), callback_data=f"d1:{dose_id}:k")
    )
    report = InlineKeyboardButton(t("btn_report_symptom", lang), callback_data="r1:o")  # bot/handlers/symptoms.py
    if injection:
        return InlineKeyboardMarkup([buttons, [report]])
    earlier = InlineKeyboardButton(t("btn_taken_earlier", lang), callback_data=f"d1:{dose_id}:e")
    return InlineKeyboardMarkup([buttons, [earlier, report]])


def yes_no(yes_key: str, no_key: str, yes_data: str, no_data: str, lang: str = "en") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(yes_key, lang), callback_data=yes_data),
                InlineKeyboardButton(t(no_key, lang), callback_data=no_data),
            ]
        ]
    )
