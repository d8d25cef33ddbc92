"""A questionnaire as ONE message edited in place: each screen's text and buttons.

The first question is sent (bot.sending.delivery); every press then edits that message to the next screen: the
answer just given, "Question 3 of 12", the question and its buttons (with « Back and Later), then a
short summary at the end. The red-flag step is THE red-flag screen (bot/render/red_flag_screen.py, the same as
/symptoms) with the questionnaire's button data, progress line, « Back and Later.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.questionnaire import answer_label, continue_keyboard, item_keyboard, item_text
from bot.render.red_flag_screen import RedFlagView, screen_keyboard, screen_text
from bot.texts import t
from care.instruments import B6_DOSE_KEY, B6_PRODUCTS, NONE, RED_FLAG_KEYS, RED_FLAGS, Answer
from services.questionnaire_views import ItemView

Screen = tuple[str, InlineKeyboardMarkup | None]


def question_screen(view: ItemView, lang: str = "en", *, note: str | None = None) -> Screen:
    """The current question; `note` (e.g. "Your answer: 6") above it confirms the previous tap."""
    if view.kind == RED_FLAGS:
        return red_flag_screen(view, lang, note=note)
    return _with_note(item_text(view, lang), note), item_keyboard(view, lang)


def red_flag_screen(view: ItemView, lang: str = "en", *, note: str | None = None) -> Screen:
    """The red-flag step: every symptom on one screen, "None of these" in one tap."""
    screen = RedFlagView(view.choices, picking=view.picking, selected=view.selected)
    above = [*([note, ""] if note else []), t("q_progress", lang, n=view.n, total=view.total)]

    def data(code: str) -> str:
        return f"q1:{view.questionnaire_id}:{view.position}:{code}"

    later = InlineKeyboardButton(t("btn_later", lang), callback_data=data("l"))
    back = [InlineKeyboardButton(t("btn_back", lang), callback_data=data("b"))] if view.can_go_back else []
    last_row = [later] if view.picking else [*back, later]
    return screen_text(screen, lang, above=above), screen_keyboard(screen, lang, data, last_row=last_row)


def paused_screen(questionnaire_id: int, until: str, lang: str = "en") -> Screen:
    return f"{t('q_paused', lang, until=until)}\n\n{t('footer', lang)}", continue_keyboard(questionnaire_id, lang)


def answered_screen(body: str, note: str, lang: str = "en") -> Screen:
    """A question left behind (the questions go on below): what was asked and the answer, no buttons."""
    return f"{body}\n\n{note}\n\n{t('footer', lang)}", None


def summary_screen(answers: Sequence[tuple[str, Answer]], lang: str = "en") -> Screen:
    """The last screen: thanks, and the answers in a few lines."""
    given = dict(answers)
    lines = [t("q_thanks", lang), "", t("q_sum_title", lang)]
    if "pain" in given and "numbness" in given:
        lines.append(t("q_sum_scores", lang, pain=given["pain"], numbness=given["numbness"]))
    if "pgic" in given:
        lines.append(t("q_sum_pgic", lang, answer=answer_label("pgic", given["pgic"], lang)))
    if any(key.startswith("mnsi_") for key in given):
        lines.append(t("q_sum_mnsi", lang))
    products = given.get(B6_PRODUCTS.key)
    if isinstance(products, tuple):
        b6 = answer_label(B6_PRODUCTS.key, products, lang)
        if B6_DOSE_KEY in given and products != (NONE,):
            b6 = f"{b6} ({answer_label(B6_DOSE_KEY, given[B6_DOSE_KEY], lang)})"
        lines.append(t("q_sum_b6", lang, answer=b6))
    if any(given.get(key) is True for key in RED_FLAG_KEYS):
        lines.append(t("q_sum_rf_some", lang))
    elif any(key in given for key in RED_FLAG_KEYS):
        lines.append(t("q_sum_rf_none", lang))
    return "\n".join(lines) + f"\n\n{t('footer', lang)}", None


def _with_note(text: str, note: str | None) -> str:
    return f"{note}\n\n{text}" if note else text
