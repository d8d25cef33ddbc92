"""The baseline and weekly questionnaires (CLINICAL.md 'Weekly questionnaire') as data.

Items carry keys and answer kinds only; the patient's wording lives in the bot's text catalogue.
Answers: NRS an int 0-10, yes/no a bool, PGIC and single choices a str key, multi choices a tuple of keys.
Week 0 is the baseline; week n is the questionnaire sent n weeks after the therapy start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from care.pgic import Pgic as Pgic  # re-exported: the questionnaire items name it

if TYPE_CHECKING:
    from care.protocol import B6Thresholds, Protocol, Questionnaires

Answer = int | bool | str | tuple[str, ...]
NRS_MAX = 10
NOT_SURE = "not_sure"
NONE = "none"
RED_FLAGS = "red_flags"  # the red-flag screen: every red-flag item on one screen


class ItemKind(StrEnum):
    NRS = "nrs"
    YES_NO = "yes_no"
    PGIC = "pgic"
    MULTI = "multi"  # several of `choices`, or "none" alone
    CHOICE = "choice"  # exactly one of `choices`


@dataclass(frozen=True)
class Item:
    key: str
    kind: ItemKind
    label: str  # short, for clinicians' reports
    choices: tuple[str, ...] = ()
    emergency: bool = False  # red flags: the patient is told to call emergency services now
    skip_if: tuple[str, str] | None = None  # (item key, choice): not asked when that answer holds the choice
    injections_only: bool = False  # asked only of patients whose regimen has injections
    screen: str | None = None  # items with the same screen are asked together, as one question (red flags)

    def applies(self, answers: Mapping[str, Answer]) -> bool:
        if self.skip_if is None:
            return True
        given = answers.get(self.skip_if[0])
        return not (given == self.skip_if[1] or (isinstance(given, tuple) and self.skip_if[1] in given))

    def validate(self, answer: object) -> Answer:
        """The answer if it fits this item, else ValueError naming the item."""
        kind = self.kind
        if kind is ItemKind.NRS and type(answer) is int and 0 <= answer <= NRS_MAX:
            return answer
        if kind is ItemKind.YES_NO and isinstance(answer, bool):
            return answer
        if kind in (ItemKind.PGIC, ItemKind.CHOICE) and isinstance(answer, str) and answer in self.choices:
            return answer
        if kind is ItemKind.MULTI and isinstance(answer, tuple) and answer and len(set(answer)) == len(answer):
            fits = all(isinstance(a, str) and a in self.choices for a in answer)
            if fits and (NONE not in answer or len(answer) == 1):
                return answer
        raise ValueError(f"{answer!r} is not a valid answer to {self.key} ({kind})")


def _nrs(key: str, label: str) -> Item:
    return Item(key, ItemKind.NRS, label)


def _yes_no(key: str, label: str, emergency: bool = False, injections_only: bool = False) -> Item:
    return Item(key, ItemKind.YES_NO, label, emergency=emergency, injections_only=injections_only)


def _red_flag(key: str, label: str, *, emergency: bool = False, injections_only: bool = False) -> Item:
    """A red-flag symptom: one line of the red-flag screen, stored as its own yes/no answer."""
    return Item(key, ItemKind.YES_NO, label, emergency=emergency, injections_only=injections_only, screen=RED_FLAGS)


PAIN = _nrs("pain", "average pain, past 7 days (NRS 0-10)")
NUMBNESS = _nrs("numbness", "numbness/tingling, past 7 days (NRS 0-10, not validated)")
PGIC = Item("pgic", ItemKind.PGIC, "PGIC since starting B12", tuple(Pgic))
B6_PRODUCTS = Item(
    "b6_products",
    ItemKind.MULTI,
    "B6-containing products",
    ("b_complex", "multivitamin", "magnesium_b6", "energy_drinks", "other", NONE),
)
B6_DOSE_KEY = "b6_dose"

_MNSI_LABELS = (
    "legs/feet numb",
    "burning pain",
    "feet too sensitive to touch",
    "muscle cramps (unscored)",
    "prickling feelings",
    "bed covers hurt",
    "can tell hot from cold water (reversed)",
    "open foot sore",
    "told of diabetic neuropathy",
    "weak all over (unscored)",
    "worse at night",
    "legs hurt when walking",
    "can sense feet when walking (reversed)",
    "skin so dry it cracks",
    "amputation",
)
MNSI_ITEMS = tuple(_yes_no(f"mnsi_{i}", f"MNSI {i}: {label}") for i, label in enumerate(_MNSI_LABELS, 1))

# CLINICAL.md 'Red flags' items 1-8; items 6 and 8 are two lines each, because the advice differs:
# loss of bladder/bowel control (emergency) vs marked imbalance alone (doctor today); an allergic reaction
# with trouble breathing or swelling of the face/throat (emergency) vs a rash alone (doctor today).
RED_FLAG_ITEMS = (
    _red_flag("rf_tendon", "tendon pain/swelling, a pop, cannot bear weight"),
    _red_flag("rf_weakness", "new or progressing weakness, falls, foot drop, spreading upward", emergency=True),
    _red_flag(
        "rf_breathing_swallowing",
        "trouble breathing/swallowing, drooping eyelids, double vision",
        emergency=True,
    ),
    _red_flag("rf_chest_abdomen_back_pain", "sudden severe chest, abdominal or back pain", emergency=True),
    _red_flag("rf_confusion_self_harm", "confusion, hallucinations, seizure, thoughts of self-harm", emergency=True),
    _red_flag("rf_bladder_bowel", "loss of bladder or bowel control", emergency=True),
    _red_flag("rf_imbalance", "marked imbalance (without loss of bladder/bowel control)"),
    _red_flag("rf_fluoroquinolone_continuing", "still taking a fluoroquinolone with ongoing symptoms"),
    _red_flag(
        "rf_allergy_severe",
        "allergic reaction after a B12 injection, with trouble breathing or swelling of face/throat",
        emergency=True,
        injections_only=True,
    ),
    _red_flag("rf_allergy_rash", "rash alone after a B12 injection", injections_only=True),
)
RED_FLAG_KEYS = tuple(item.key for item in RED_FLAG_ITEMS)
# items 6 and 8 before they were split (answers and flags stored earlier keep these keys)
RETIRED_RED_FLAG_KEYS = ("rf_bladder_bowel_balance", "rf_injection_allergy")


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
