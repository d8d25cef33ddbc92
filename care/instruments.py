"""The baseline and weekly questionnaires (CLINICAL.md 'Weekly questionnaire') as data.

The items themselves (kinds, answers, checks, every item) are `care.items`, re-exported here with `Pgic`.
Week 0 is the baseline; week n is the questionnaire sent n weeks after the therapy start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from care.items import (
    B6_DOSE_KEY,
    B6_PRODUCTS,
    MNSI_ITEMS,
    NONE,
    NOT_SURE,
    NRS_MAX,
    NUMBNESS,
    PAIN,
    PGIC,
    RED_FLAG_ITEMS,
    RED_FLAG_KEYS,
    RED_FLAGS,
    RETIRED_RED_FLAG_KEYS,
    Answer,
    Item,
    ItemKind,
)
from care.pgic import Pgic

if TYPE_CHECKING:
    from care.protocol import B6Thresholds, Protocol, Questionnaires

__all__ = [
    "B6_DOSE_KEY",
    "B6_PRODUCTS",
    "MNSI_ITEMS",
    "NONE",
    "NOT_SURE",
    "NRS_MAX",
    "NUMBNESS",
    "PAIN",
    "PGIC",
    "RED_FLAGS",
    "RED_FLAG_ITEMS",
    "RED_FLAG_KEYS",
    "RETIRED_RED_FLAG_KEYS",
    "Answer",
    "Item",
    "ItemKind",
    "Pgic",
    "applicable",
    "b6_dose_item",
    "expires_at",
    "is_complete",
    "next_item",
    "progress",
    "questionnaire_items",
    "red_flag_items",
]


def red_flag_items(*, injections: bool) -> tuple[Item, ...]:
    """The red-flag screen's items; without injections, none about reactions after an injection."""
    return tuple(item for item in RED_FLAG_ITEMS if injections or not item.injections_only)


def b6_dose_item(b6: B6Thresholds) -> Item:
    """The B6 dose buttons: the protocol's ranges and "not sure"; skipped when products = none."""
    choices = (*(r.key for r in b6.dose_ranges), NOT_SURE)
    return Item(
        B6_DOSE_KEY, ItemKind.CHOICE, "total B6 from products, mg/day", choices, skip_if=(B6_PRODUCTS.key, NONE)
    )


def questionnaire_items(
    kind: Literal["baseline", "weekly"], week: int, protocol: Protocol, *, injections: bool = True
) -> tuple[Item, ...]:
    """The items in the order asked; `week` is ignored for the baseline (week 0). A patient whose regimen
    has no injections (`injections` False) is not asked about reactions after an injection."""
    q = protocol.questionnaires
    items = [PAIN, NUMBNESS]
    if kind == "weekly":
        if week < 1:
            raise ValueError(f"a weekly questionnaire has week >= 1, not {week}")
        if week >= q.pgic_from_week:
            items.append(PGIC)
    if kind == "baseline" or week in q.mnsi_weeks:
        items.extend(MNSI_ITEMS)
    return (*items, B6_PRODUCTS, b6_dose_item(protocol.b6), *red_flag_items(injections=injections))


def applicable(items: Sequence[Item], answers: Mapping[str, Answer]) -> tuple[Item, ...]:
    """The items to be asked given the answers so far."""
    return tuple(item for item in items if item.applies(answers))


def next_item(items: Sequence[Item], answers: Mapping[str, Answer]) -> Item | None:
    """The first applicable item not yet answered, or None when the questionnaire is complete."""
    return next((item for item in applicable(items, answers) if item.key not in answers), None)


def is_complete(items: Sequence[Item], answers: Mapping[str, Answer]) -> bool:
    return next_item(items, answers) is None


def progress(items: Sequence[Item], answers: Mapping[str, Answer]) -> tuple[int, int]:
    """(place of the next item, number of items): "3 of 7"; (total, total) when complete.

    The total never changes while the patient answers: an item skipped by an earlier answer (the B6 dose
    after "none of these") is passed over, so the count jumps by one instead of the total shrinking. The
    items of one screen (the red flags) count as one question."""
    steps = _steps(items)
    following = next_item(items, answers)
    total = steps[-1] + 1 if steps else 0
    return (total if following is None else steps[list(items).index(following)] + 1, total)


def _steps(items: Sequence[Item]) -> list[int]:
    """The question number (0-based) of each item: the items of one screen share theirs."""
    steps: list[int] = []
    for i, item in enumerate(items):
        same = i > 0 and item.screen is not None and item.screen == items[i - 1].screen
        steps.append(steps[-1] if same else (steps[-1] + 1 if steps else 0))
    return steps


def expires_at(sent_at: datetime, questionnaires: Questionnaires) -> datetime:
    """When a questionnaire sent at `sent_at` expires unanswered."""
    return sent_at + questionnaires.expire_after
