"""The buttons for the details of a dose answer: the times for "Taken earlier", and why it was skipped."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t
from bot.texts.formats import clock
from services.dose_details import SKIP_REASONS


def earlier_keyboard(dose_id: int, choices: tuple[datetime, ...], timezone: str, lang: str) -> InlineKeyboardMarkup:
    """One button per time ("at 08:45"), the data carrying the moment itself (minutes since the epoch)."""
    times = [
        InlineKeyboardButton(
            t("btn_taken_at", lang, time=clock(at, timezone, lang)),
            callback_data=f"d1:{dose_id}:a{int(at.timestamp()) // 60}",
        )
        for at in choices
    ]
    rows = [times[i : i + 3] for i in range(0, len(times), 3)]
    return InlineKeyboardMarkup([*rows, [InlineKeyboardButton(t("btn_back", lang), callback_data=f"d1:{dose_id}:b")]])


REASON_KEYS = {
    "forgot": "skip_reason_forgot",
    "side_effects": "skip_reason_side_effects",
    "ran_out": "skip_reason_ran_out",
    "other": "skip_reason_other",
}


def reason_label(reason: str, lang: str) -> str:
    return t(REASON_KEYS[reason], lang)


def reason_keyboard(dose_id: int, lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(reason_label(reason, lang), callback_data=f"d1:{dose_id}:r{i}")
        for i, reason in enumerate(SKIP_REASONS)
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])
