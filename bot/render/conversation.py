"""Texts and buttons of the conversation and the helper's notices (issue 14). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t

LIMIT = 4096  # Telegram's limit for one message, in UTF-16 code units


def length(text: str) -> int:
    """Telegram counts a message's length in UTF-16 code units (an emoji may count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, room: int) -> tuple[str, str]:
    """The longest head of `text` that fits `room`, ended at a line break or space when there is one."""
    fit = text[:room]
    while length(fit) > room:
        fit = fit[:-1]
    if len(fit) < len(text):
        for sep in ("\n", " "):
            at = fit.rfind(sep)
            if at > len(fit) // 2:
                return fit[: at + 1].rstrip(), text[at + 1 :]
    return fit, text[len(fit) :]


def split_message(head: str, body: str, tail: str, *, limit: int = LIMIT) -> list[str]:
    """`head`, `body` and `tail` as messages of at most `limit`: the head opens the first, the tail ends
    the last; a long body is cut at line breaks or spaces where it can."""
    parts: list[str] = []
    rest = body
    first = True
    while True:
        opening = f"{head}\n\n" if first else ""
        closing = f"\n\n{tail}" if tail else ""
        room = limit - length(opening)
        if length(rest) + length(closing) <= room:
            parts.append(f"{opening}{rest}{closing}")
            return parts
        piece, rest = _cut(rest, room)
        parts.append(f"{opening}{piece}")
        first = False


def reply_keyboard(message_id: int, lang: str) -> InlineKeyboardMarkup:
    """Under a care team's message to a patient: Reply (`m2:<message id>`)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("btn_msg_reply", lang), callback_data=f"m2:{message_id}")]])


def message_patient_button(
    *, alias: str, patient_id: int | None = None, flag_id: int | None = None, lang: str = "en"
) -> InlineKeyboardButton:
    """Message patient, naming the patient (`w1:p:<id>`) or a flag of theirs (`w1:f:<id>`)."""
    data = f"w1:p:{patient_id}" if patient_id is not None else f"w1:f:{flag_id}"
    return InlineKeyboardButton(t("btn_msg_patient", lang, alias=alias), callback_data=data)


def helper_text(payload: Mapping[str, Any], lang: str) -> str:
    """A helper notice (or a note about the helper to the patient) with the right footer."""
    key = str(payload.get("key", "helper_ended"))
    n = int(payload.get("n") or 0)
    text = t(key, lang, team=payload.get("team", ""), doses=t("helper_doses", lang, n=n))
    footer = t("footer", lang) if payload.get("to") == "patient" else t("helper_footer", lang)
    return f"{text}\n\n{footer}"
