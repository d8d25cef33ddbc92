"""MNSI scoring (original, per CLINICAL.md) and scoring a completed questionnaire."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.instruments import RED_FLAG_KEYS, Answer, questionnaire_items
from care.pgic import Pgic
from care.protocol import Protocol, Questionnaires, default_protocol
from care.scoring import (
    MNSI_MAX,
    MNSI_NO_SCORES,
    MNSI_UNSCORED,
    MNSI_YES_SCORES,
    mnsi_abnormal,
    mnsi_total,
    score_response,
)

P = default_protocol()


def mnsi(yes: set[int]) -> dict[str, Answer]:
    return {f"mnsi_{i}": i in yes for i in range(1, 16)}


ALL = set(range(1, 16))


@pytest.mark.parametrize(
    ("yes", "total"),
    [
        (ALL, 11),  # every "yes" item scores; 7 and 13 answered yes do not
        (set(), 2),  # only the reversed items 7 and 13 score on "no"
        (ALL - {7, 13}, 13),  # the maximum
        ({7, 13}, 0),  # the minimum
        ({4, 10, 7, 13}, 0),  # the unscored items add nothing
        ({1}, 3),
        ({7}, 1),
        ({13}, 1),
        ({4}, 2),
        ({10}, 2),
    ],
)
def test_mnsi_total(yes: set[int], total: int) -> None:
    assert mnsi_total(mnsi(yes)) == total


def test_item_sets_partition_the_15_items() -> None:
    assert sorted((*MNSI_YES_SCORES, *MNSI_NO_SCORES, *MNSI_UNSCORED)) == list(range(1, 16))
    assert MNSI_MAX == 13


@given(st.sets(st.integers(1, 15)))
def test_mnsi_total_is_0_to_13_and_counts_the_scoring_answers(yes: set[int]) -> None:
    total = mnsi_total(mnsi(yes))
    assert 0 <= total <= MNSI_MAX
    assert total == len(yes & set(MNSI_YES_SCORES)) + len(set(MNSI_NO_SCORES) - yes)
    assert mnsi_total(mnsi(yes ^ {4, 10})) == total


@pytest.mark.parametrize("bad", [None, 1, "yes"])
def test_mnsi_needs_every_item_as_yes_no(bad: object) -> None:
    answers: dict[str, object] = dict(mnsi(set()))
    answers["mnsi_9"] = bad
    with pytest.raises(ValueError, match="mnsi_9"):
        mnsi_total(answers)  # type: ignore[arg-type]


@pytest.mark.parametrize(("total", "cutoff", "abnormal"), [(3, 4, False), (4, 4, True), (6, 7, False), (7, 7, True)])
def test_mnsi_abnormal(total: int, cutoff: int, abnormal: bool) -> None:
    assert mnsi_abnormal(total, Questionnaires(mnsi_abnormal_at_least=cutoff)) is abnormal


def weekly(week: int, **over: Answer) -> dict[str, Answer]:
    answers: dict[str, Answer] = {"pain": 6, "numbness": 5, "b6_products": ("b_complex",), "b6_dose": "50_100"}
    answers.update(dict.fromkeys(RED_FLAG_KEYS, False))
    if week >= 2:
        answers["pgic"] = "much_improved"
    if week in (0, 6, 12, 24):
        answers.update(mnsi({1, 2, 5}))
    answers.update(over)
    return answers


def test_score_weekly_without_mnsi() -> None:
    s = score_response(questionnaire_items("weekly", 3, P), weekly(3), P)
    assert (s.pain, s.numbness, s.pgic, s.mnsi, s.mnsi_abnormal) == (6, 5, Pgic.MUCH_IMPROVED, None, None)
    assert (s.b6_products, s.b6_range, s.b6_mg_per_day_reported, s.b6_unsure) == (("b_complex",), "50_100", 100, False)
    assert s.red_flags == ()


def test_score_baseline_with_mnsi_and_red_flags() -> None:
    answers = weekly(0, rf_weakness=True, rf_allergy_severe=True, b6_products=("none",))
    del answers["b6_dose"]
    s = score_response(questionnaire_items("baseline", 0, P), answers, P)
    assert (s.pgic, s.mnsi, s.mnsi_abnormal) == (None, 5, True)
    assert (s.b6_range, s.b6_mg_per_day_reported, s.b6_unsure) == (None, 0.0, False)
    assert s.red_flags == ("rf_weakness", "rf_allergy_severe")


def test_mnsi_cutoff_from_protocol() -> None:
    p = Protocol(questionnaires=Questionnaires(mnsi_abnormal_at_least=7))
    assert score_response(questionnaire_items("weekly", 6, p), weekly(6), p).mnsi_abnormal is False


@pytest.mark.parametrize(
    ("dose", "mg", "unsure"),
    [("none", 0.0, False), ("under_10", 10, False), ("10_50", 50, False), ("100_500", 500, False),
     ("over_500", 1000, False), ("not_sure", None, True)],
)  # fmt: skip
def test_b6_dose_buttons(dose: str, mg: float | None, unsure: bool) -> None:
    s = score_response(questionnaire_items("weekly", 3, P), weekly(3, b6_dose=dose), P)
    assert (s.b6_range, s.b6_mg_per_day_reported, s.b6_unsure) == (dose, mg, unsure)


def test_incomplete_or_invalid_responses_are_refused() -> None:
    items = questionnaire_items("weekly", 3, P)
    incomplete = weekly(3)
    del incomplete["rf_tendon"]
    with pytest.raises(ValueError, match="not complete"):
        score_response(items, incomplete, P)
    with pytest.raises(ValueError, match="pain"):
        score_response(items, weekly(3, pain=12), P)
