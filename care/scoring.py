"""Scoring a completed questionnaire (CLINICAL.md 'Weekly questionnaire').

MNSI patient questionnaire, original scoring (Feldman 1994; PhenX protocol 140401): "yes" scores 1 on
items 1-3, 5-6, 8-9, 11-12, 14-15; "no" scores 1 on items 7 and 13; items 4 and 10 are not scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from care.instruments import (
    B6_DOSE_KEY,
    B6_PRODUCTS,
    NONE,
    NOT_SURE,
    RED_FLAG_KEYS,
    Answer,
    Item,
    Pgic,
    is_complete,
)
from care.protocol import B6Thresholds, Protocol, Questionnaires

MNSI_YES_SCORES = (1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15)
MNSI_NO_SCORES = (7, 13)
MNSI_UNSCORED = (4, 10)
MNSI_MAX = len(MNSI_YES_SCORES) + len(MNSI_NO_SCORES)


def mnsi_total(answers: Mapping[str, Answer]) -> int:
    """MNSI total 0-13 from the answers to mnsi_1..mnsi_15 (bools); ValueError naming a missing item."""
    total = 0
    for i in range(1, 16):
        value = answers.get(f"mnsi_{i}")
        if not isinstance(value, bool):
            raise ValueError(f"mnsi_{i} needs a yes/no answer, not {value!r}")
        if (i in MNSI_YES_SCORES and value) or (i in MNSI_NO_SCORES and not value):
            total += 1
    return total


def mnsi_abnormal(total: int, questionnaires: Questionnaires) -> bool:
    return total >= questionnaires.mnsi_abnormal_at_least


def red_flags_yes(answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """Red-flag items answered yes so far, in screen order (works on a questionnaire in progress)."""
    return tuple(key for key in RED_FLAG_KEYS if answers.get(key) is True)


@dataclass(frozen=True)
class B6Report:
    """What the patient reported about B6 products."""

    products: tuple[str, ...]
    range_key: str | None  # the dose button; None when products = none
    mg_per_day: float | None  # assumed from the range; 0 for no products; None when not sure
    unsure: bool


def b6_report(answers: Mapping[str, Answer], b6: B6Thresholds) -> B6Report:
    products = answers.get(B6_PRODUCTS.key)
    if not isinstance(products, tuple):
        raise ValueError(f"{B6_PRODUCTS.key} needs a tuple of products, not {products!r}")
    if products == (NONE,):
        return B6Report(products, None, 0.0, False)
    chosen = answers.get(B6_DOSE_KEY)
    if chosen == NOT_SURE:
        return B6Report(products, NOT_SURE, None, True)
    for r in b6.dose_ranges:
        if r.key == chosen:
            return B6Report(products, r.key, r.assumed_mg, False)
    raise ValueError(f"{B6_DOSE_KEY}: {chosen!r} is not one of the protocol's ranges")


@dataclass(frozen=True)
class QuestionnaireScore:
    pain: int
    numbness: int
    pgic: Pgic | None  # None before the PGIC week
    mnsi: int | None  # None when the MNSI was not asked
    mnsi_abnormal: bool | None
    b6_products: tuple[str, ...]
    b6_range: str | None
    b6_mg_per_day_reported: float | None  # None when the patient is not sure
    b6_unsure: bool
    red_flags: tuple[str, ...]  # red-flag keys answered yes


def score_response(items: Sequence[Item], answers: Mapping[str, Answer], protocol: Protocol) -> QuestionnaireScore:
    """Score a completed response; ValueError if it is incomplete or an answer does not fit its item."""
    if not is_complete(items, answers):
        raise ValueError("the questionnaire is not complete")
    for item in items:
        if item.key in answers:
            item.validate(answers[item.key])
    keys = {item.key for item in items}
    pain, numbness = answers["pain"], answers["numbness"]
    assert isinstance(pain, int) and isinstance(numbness, int)
    pgic = Pgic(str(answers["pgic"])) if "pgic" in keys else None
    mnsi = mnsi_total(answers) if "mnsi_1" in keys else None
    b6 = b6_report(answers, protocol.b6)
    return QuestionnaireScore(
        pain=pain,
        numbness=numbness,
        pgic=pgic,
        mnsi=mnsi,
        mnsi_abnormal=None if mnsi is None else mnsi_abnormal(mnsi, protocol.questionnaires),
        b6_products=b6.products,
        b6_range=b6.range_key,
        b6_mg_per_day_reported=b6.mg_per_day,
        b6_unsure=b6.unsure,
        red_flags=red_flags_yes(answers),
    )
