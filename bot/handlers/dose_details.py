"""The details under a dose reminder: "Taken earlier…" (choose the time), « Back, and why it was skipped."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime

from telegram import CallbackQuery, Message
from telegram.error import BadRequest

from bot.handlers.common import Context, svc
from bot.render.dose_details import earlier_keyboard, reason_label
from bot.render.doses import dose_keyboard
from bot.texts import t
from services import dose_details

REFUSALS = {"not_yours": "press_not_yours", "closed": "press_closed", "stale": "press_stale"}


def taken_at(code: str) -> datetime | None:
    """The moment a "Taken earlier" button stands for (a<minutes since the epoch>), or None."""
    found = re.fullmatch(r"a([0-9]{8,9})", code)
    return datetime.fromtimestamp(int(found.group(1)) * 60, UTC) if found else None


def handles(code: str) -> bool:
    return code in ("e", "b") or re.fullmatch(r"r[0-9]", code) is not None


async def pressed(query: CallbackQuery, context: Context, *, dose_id: int, code: str, message: Message) -> None:
    s, chat = svc(context), message.chat_id
    if code.startswith("r"):
        index = int(code[1:])
        reason = dose_details.SKIP_REASONS[index] if index < len(dose_details.SKIP_REASONS) else ""
        lang = await dose_details.skip_reason(s.sessions, dose_id=dose_id, chat_id=chat, reason=reason, now=s.now())
        if lang is None:
            await query.answer(t("press_stale"))
            return
        await query.answer(t("press_recorded", lang))
        footer = t("footer", lang)
        body = (message.text or "").replace(footer, "").replace(t("skip_why", lang), "").rstrip()
        noted = t("skip_reason_noted", lang, reason=reason_label(reason, lang))
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(f"{body}\n{noted}\n\n{footer}", reply_markup=None)
        return
    found = await dose_details.earlier_choices(
        s.sessions, dose_id=dose_id, chat_id=chat, now=s.now(), protocol=s.protocol
    )
    if found.outcome != "choose":
        key = REFUSALS.get(found.outcome, "press_stale")
        await query.answer(
            t("press_already_short", found.language) if found.outcome == "answered" else t(key, found.language)
        )
        return
    await query.answer()
    doses = s.protocol.doses
    keyboard = (
        earlier_keyboard(dose_id, found.choices, found.timezone, found.language)
        if code == "e"
        else dose_keyboard(
            dose_id,
            route=found.route,
            snoozes=found.snoozes,
            max_snoozes=doses.max_snoozes,
            snooze_minutes=doses.snooze_minutes,
            lang=found.language,
        )
    )
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(keyboard)
