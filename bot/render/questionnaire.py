"""A questionnaire item as a Telegram message: text and a compact keyboard."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t
from care.instruments import Answer
from services.questionnaire_views import ItemView

CHOICE_PREFIX = {"pgic": "pgic_", "choice": "b6d_", "multi": "b6p_"}


def _button(view: ItemView, label: str, code: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"q1:{view.questionnaire_id}:{view.position}:{code}")


def item_text(view: ItemView, lang: str = "en") -> str:
    lines = []
    if view.intro:
        lines += [t(view.intro, lang, week=view.week), ""]
    lines.append(t("q_progress", lang, n=view.n, total=view.total))
    lines.append(t(f"q_{view.key}", lang))
    if view.kind == "nrs":
        lines.append(t(f"q_{view.key}_scale", lang))
    if view.kind == "multi":
        lines.append(t("q_multi_hint", lang))
    return "\n".join(lines) + "\n\n" + t("footer", lang)


def item_keyboard(view: ItemView, lang: str = "en") -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]]
    if view.kind == "nrs":
        rows = [
            [_button(view, str(i), str(i)) for i in range(0, 6)],
            [_button(view, str(i), str(i)) for i in range(6, 11)],
        ]
    elif view.kind == "yes_no":
        rows = [[_button(view, t("btn_yes", lang), "y"), _button(view, t("btn_no", lang), "n")]]
    elif view.kind == "multi":
        rows = [
            [_button(view, ("✓ " if c in view.selected else "") + t(f"b6p_{c}", lang), f"t{i}")]
            for i, c in enumerate(view.choices)
        ]
        if set(view.selected) - {"none"}:
            rows.append([_button(view, t("btn_done", lang), "d")])
    else:
        prefix = CHOICE_PREFIX[view.kind]
        rows = [[_button(view, t(f"{prefix}{c}", lang), str(i))] for i, c in enumerate(view.choices)]
    extra = [_button(view, t("btn_back", lang), "b")] if view.can_go_back else []
    rows.append([*extra, _button(view, t("btn_later", lang), "l")])
    return InlineKeyboardMarkup(rows)


def continue_keyboard(questionnaire_id: int, lang: str = "en") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("btn_continue", lang), callback_data=f"q1:{questionnaire_id}:0:c")]]
    )


def answer_label(key: str, answer: Answer, lang: str = "en") -> str:
    if isinstance(answer, bool):
        return t("yes" if answer else "no", lang)
    if isinstance(answer, int):
        return str(answer)
    if isinstance(answer, tuple) and key == "red_flags":  # the red-flag screen: the symptoms marked
        return ", ".join(t("rf_btn_none" if a == "none" else f"rf_btn_{a}", lang) for a in answer)
    if isinstance(answer, tuple):
        return ", ".join(t(f"b6p_{a}", lang) for a in answer)
    return t(f"{'pgic_' if key == 'pgic' else 'b6d_'}{answer}", lang)
