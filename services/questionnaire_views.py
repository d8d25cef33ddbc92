"""What the patient sees of a questionnaire: the current item as plain data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from care.instruments import MNSI_ITEMS, NOT_SURE, RED_FLAGS, Answer, Item, applicable, next_item, progress
from care.instruments import questionnaire_items as care_items
from care.protocol import Protocol
from storage.models import Questionnaire

FIRST_MNSI = MNSI_ITEMS[0].key


@dataclass(frozen=True)
class ItemView:
    questionnaire_id: int
    position: int  # index in the full item list: part of the button data
    key: str
    kind: str  # nrs yes_no pgic choice multi red_flags (the red-flag screen: choices are its item keys)
    choices: tuple[str, ...]
    n: int
    total: int
    week: int
    intro: str | None = None  # q_intro_baseline / q_intro_weekly / q_mnsi_intro
    selected: tuple[str, ...] = ()
    can_go_back: bool = False
    picking: bool = False  # the red-flag screen after "Yes, one or more"


def uses_injections(regimen: Mapping[str, Any]) -> bool:
    """Whether a regimen (as stored on the patient) has any injection phase."""
    return any(phase.get("route") == "im" for phase in regimen.get("phases", ()))


def items_of(q: Questionnaire, protocol: Protocol, *, injections: bool = True) -> tuple[Item, ...]:
    if q.kind == "baseline":
        return care_items("baseline", q.week, protocol, injections=injections)
    return care_items("weekly", q.week, protocol, injections=injections)


def load_answers(raw: Mapping[str, Any]) -> dict[str, Answer]:
    """Answers as stored (JSON lists) back to their typed form (tuples for multiple choice)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


def dump_answers(answers: Mapping[str, Answer]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


def view_of(q: Questionnaire, protocol: Protocol, *, first: bool = False, injections: bool = True) -> ItemView | None:
    items = items_of(q, protocol, injections=injections)
    answers = load_answers(q.answers)
    item = next_item(items, answers)
    if item is None:
        return None
    n, total = progress(items, answers)
    intro = None
    if first:
        intro = "q_intro_baseline" if q.kind == "baseline" else "q_intro_weekly"
    elif item.key == FIRST_MNSI:
        intro = "q_mnsi_intro"
    assert q.id is not None
    red_flags = item.screen == RED_FLAGS
    return ItemView(
        questionnaire_id=q.id,
        position=items.index(item),
        key=item.key,
        kind=RED_FLAGS if red_flags else str(item.kind),
        choices=screen_keys(items, answers) if red_flags else tuple(str(c) for c in item.choices),
        n=n,
        total=total,
        week=q.week,
        intro=intro,
        selected=tuple(q.draft or ()),
        can_go_back=any(i.key in answers for i in applicable(items, answers)),
        picking=red_flags and q.draft is not None,
    )


def screen_keys(items: tuple[Item, ...], answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """The keys of the red-flag screen's items (route-filtered already), in order."""
    return tuple(i.key for i in applicable(items, answers) if i.screen == RED_FLAGS)


def parse_choice(item: Item, code: str) -> Answer | None:
    """The answer a button code stands for, or None when the code does not fit the item."""
    kind = str(item.kind)
    if kind == "nrs":
        return int(code) if re.fullmatch(r"[0-9]{1,2}", code) and int(code) <= 10 else None
    if kind == "yes_no":
        return {"y": True, "n": False}.get(code)
    if kind in ("pgic", "choice") and re.fullmatch(r"[0-9]{1,2}", code) and int(code) < len(item.choices):
        return str(item.choices[int(code)])
    return None


def toggle(draft: tuple[str, ...], choice: str, none: str = "none") -> tuple[str, ...]:
    """Multiple choice: tapping adds or removes; "none" excludes the others."""
    if choice in draft:
        return tuple(c for c in draft if c != choice)
    if choice == none:
        return (none,)
    return (*[c for c in draft if c != none], choice)


__all__ = [
    "NOT_SURE",
    "ItemView",
    "dump_answers",
    "items_of",
    "load_answers",
    "parse_choice",
    "screen_keys",
    "toggle",
    "uses_injections",
    "view_of",
]
