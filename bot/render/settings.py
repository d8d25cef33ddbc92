"""/time and /timezone answers as Telegram texts and keyboards, in the patient's language."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import patient, t
from bot.texts.formats import clock, when
from services.settings_change import Outcome

TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "20:00", "21:00")
ZONES = ("Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Moscow", "America/New_York",
         "America/Los_Angeles", "America/Mexico_City", "Asia/Tokyo")  # fmt: skip
REFUSALS = {"not_enrolled": "not_enrolled", "stopped": "stopped_already", "discharged": "discharged_already"}


def _rows(buttons: list[InlineKeyboardButton], width: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def keyboard(what: str, lang: str) -> InlineKeyboardMarkup:
    from babel.dates import get_timezone, get_timezone_location  # Babel at its first use, not at start-up (issue 17)

    if what == "time":
        return _rows([InlineKeyboardButton(x, callback_data=f"s1:t:{x.replace(':', '')}") for x in TIMES], 4)
    city = [get_timezone_location(get_timezone(z), locale=lang, return_city=True) for z in ZONES]
    buttons = [InlineKeyboardButton(c, callback_data=f"s1:z:{z}") for c, z in zip(city, ZONES, strict=True)]
    return _rows([*buttons, InlineKeyboardButton(t("btn_zone_other", lang), callback_data="s1:z:?")], 3)


def render(o: Outcome) -> tuple[str, InlineKeyboardMarkup | None]:
    lang, where = o.language, {"time": o.reminder_time, "zone": o.timezone}
    if o.kind in REFUSALS:
        return t(REFUSALS[o.kind], lang), None
    if o.kind in ("ask_time", "ask_zone"):
        what = o.kind.removeprefix("ask_")
        return patient(f"change_{what}_ask", lang, **where), keyboard(what, lang)
    if o.kind == "invalid":  # asked again once, with the buttons, an example and a way out
        cancel = [InlineKeyboardButton(t("btn_question_cancel", lang), callback_data="s1:x")]
        rows = [*keyboard(o.what, lang).inline_keyboard, cancel]
        return patient(o.error, lang, **o.params), InlineKeyboardMarkup(rows)
    if o.kind == "gave_up":
        bad = t(o.error, lang, **o.params).split("\n")[0]
        command = "/timezone" if o.what == "zone" else "/time"
        return patient("change_gave_up", lang, reason=bad, command=command), None
    if o.kind == "confirm" and o.transition is not None:
        previous = when(o.previous, o.timezone, lang) if o.previous else t("change_no_dose", lang)
        text = t(
            "change_transition_ask", lang, previous=previous, transition=when(o.transition, o.timezone, lang), **where
        )
        yes = InlineKeyboardButton(
            t("btn_change_yes", lang, time=clock(o.transition, o.timezone, lang)), callback_data="s1:ok"
        )
        no = InlineKeyboardButton(t("btn_change_cancel", lang), callback_data="s1:no")
        return f"{text}\n\n{t('footer', lang)}", InlineKeyboardMarkup([[yes], [no]])
    if o.kind == "applied":
        nxt = when(o.next_dose, o.timezone, lang) if o.next_dose else t("change_no_dose", lang)
        if o.transition is not None:
            text = t("change_transition_done", lang, transition=when(o.transition, o.timezone, lang), **where)
        else:
            text = t(f"change_{o.what or 'time'}_done", lang, next_dose=nxt, **where)
        if o.paused:
            text += "\n" + t("change_paused_note", lang)
        return f"{text}\n\n{t('footer', lang)}", None
    key = {"unchanged": "change_unchanged", "cancelled": "change_cancelled", "expired": "change_expired"}
    key["nothing"] = "cancel_nothing"
    return patient(key.get(o.kind, "change_stale"), lang, **where), None
