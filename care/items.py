"""The questionnaire items (CLINICAL.md 'Weekly questionnaire', 'Red flags') as data: the answer kinds,
an item and its checks, and every item of the baseline and weekly questionnaires.

Items carry keys and answer kinds only; the patient's wording lives in the bot's text catalogue.
Answers: NRS an int 0-10, yes/no a bool, PGIC and single choices a str key, multi choices a tuple of keys.
Which items a questionnaire asks, in which order, is `care.instruments`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from care.pgic import Pgic

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
