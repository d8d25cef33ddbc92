"""THE red-flag screen (CLINICAL.md 'Red flags'), the same in the weekly questionnaire and for /symptoms.

It opens with the disclaimer (not a diagnosis; this chat is not watched around the clock; in an emergency
call the local emergency number), asks "Any of these since last week?" (or "now") over the numbered list
of symptoms, and offers "None of these" (one tap) and "Yes, one or more"; then one button per symptom
(tap to mark, tap again to unmark), Done once one is marked, and « Back to the list. Button codes:
n (none), y (yes), t<i> (toggle symptom i), d (done), b (back); the caller wraps them in its callback data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t


@dataclass(frozen=True)
class RedFlagView:
    symptoms: tuple[str, ...]  # red-flag item keys on the screen, in order (route-filtered)
    picking: bool = False  # after "Yes, one or more": one button per symptom
    selected: tuple[str, ...] = ()
    now: bool = False  # /symptoms ("now") rather than the weekly questionnaire ("since last week")


def screen_text(view: RedFlagView, lang: str, *, above: Sequence[str] = ()) -> str:
    """`above`: lines before the disclaimer (the answer just given, "Question 9 of 9")."""
    ask = "rf_ask_now" if view.now else "rf_ask_week"
    lines = [*above, t("rf_disclaimer", lang), "", t(ask, lang)]
    lines += [f"{n}. {t(f'q_{key}', lang)}" for n, key in enumerate(view.symptoms, 1)]
    if view.picking:
        lines += ["", t("rf_pick_hint", lang)]
    return "\n".join(lines) + "\n\n" + t("footer", lang)


def screen_keyboard(
    view: RedFlagView, lang: str, data: Callable[[str], str], *, last_row: Sequence[InlineKeyboardButton] = ()
) -> InlineKeyboardMarkup:
    """The buttons; `data(code)` is the callback data of a code; `last_row`: the caller's own (Later)."""

    def button(label: str, code: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=data(code))

    rows: list[list[InlineKeyboardButton]]
    if not view.picking:
        rows = [[button(t("rf_btn_none", lang), "n")], [button(t("rf_btn_some", lang), "y")]]
        return InlineKeyboardMarkup([*rows, list(last_row)] if last_row else rows)
    rows = [
        [button(f"{'✓ ' if key in view.selected else ''}{n}. {t(f'rf_btn_{key}', lang)}", f"t{n - 1}")]
        for n, key in enumerate(view.symptoms, 1)
    ]
    if view.selected:
        rows.append([button(t("btn_done", lang), "d")])
    rows.append([button(t("btn_back", lang), "b"), *last_row])
    return InlineKeyboardMarkup(rows)
