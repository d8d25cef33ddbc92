"""Questionnaire items: which items, in which order, skipping, progress, answer validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from care.instruments import (
    MNSI_ITEMS,
    RED_FLAG_ITEMS,
    RED_FLAG_KEYS,
    Answer,
    Item,
    ItemKind,
    Pgic,
    expires_at,
    is_complete,
    next_item,
    progress,
    questionnaire_items,
)
from care.protocol import Protocol, Questionnaires, default_protocol

P = default_protocol()
MNSI_KEYS = [f"mnsi_{i}" for i in range(1, 16)]
B6 = ["b6_products", "b6_dose"]


def keys(items: tuple[Item, ...]) -> list[str]:
    return [item.key for item in items]


def test_baseline_items_in_order() -> None:
    assert keys(questionnaire_items("baseline", 0, P)) == ["pain", "numbness", *MNSI_KEYS, *B6, *RED_FLAG_KEYS]


@pytest.mark.parametrize(
    ("week", "pgic", "mnsi"),
    [(1, False, False), (2, True, False), (5, True, False), (6, True, True), (7, True, False),
     (12, True, True), (24, True, True), (25, True, False)],
)  # fmt: skip
def test_weekly_items(week: int, pgic: bool, mnsi: bool) -> None:
    expected = ["pain", "numbness", *(["pgic"] if pgic else []), *(MNSI_KEYS if mnsi else []), *B6, *RED_FLAG_KEYS]
    assert keys(questionnaire_items("weekly", week, P)) == expected


def test_weeks_come_from_the_protocol() -> None:
    p = Protocol(questionnaires=Questionnaires(pgic_from_week=1, mnsi_weeks=(4,)))
    assert "pgic" in keys(questionnaire_items("weekly", 1, p))
    assert "mnsi_1" in keys(questionnaire_items("weekly", 4, p))
    assert "mnsi_1" not in keys(questionnaire_items("weekly", 6, p))


def test_weekly_needs_week_one_or_later() -> None:
    with pytest.raises(ValueError, match="week >= 1"):
        questionnaire_items("weekly", 0, P)


def test_red_flag_items() -> None:
    assert RED_FLAG_KEYS == (
        "rf_tendon", "rf_weakness", "rf_breathing_swallowing", "rf_chest_abdomen_back_pain",
        "rf_confusion_self_harm", "rf_bladder_bowel", "rf_imbalance", "rf_fluoroquinolone_continuing",
        "rf_allergy_severe", "rf_allergy_rash",
    )  # fmt: skip
    emergency = {item.key for item in RED_FLAG_ITEMS if item.emergency}
    assert emergency == {  # CLINICAL.md: items 2-5, 6 with loss of control, 8 with breathing trouble or swelling
        "rf_weakness", "rf_breathing_swallowing", "rf_chest_abdomen_back_pain", "rf_confusion_self_harm",
        "rf_bladder_bowel", "rf_allergy_severe",
    }  # fmt: skip
    assert all(item.kind is ItemKind.YES_NO for item in (*RED_FLAG_ITEMS, *MNSI_ITEMS))


def test_pgic_order_and_rank() -> None:
    assert [p.value for p in Pgic] == [
        "very_much_improved", "much_improved", "minimally_improved", "no_change",
        "minimally_worse", "much_worse", "very_much_worse",
    ]  # fmt: skip
    assert [p.rank for p in Pgic] == [1, 2, 3, 4, 5, 6, 7]


def test_b6_dose_choices_come_from_the_protocol() -> None:
    dose = questionnaire_items("weekly", 1, P)[3]
    assert dose.key == "b6_dose"
    assert dose.choices == ("none", "under_10", "10_50", "50_100", "100_500", "over_500", "not_sure")


def answer_all(items: tuple[Item, ...], products: tuple[str, ...]) -> dict[str, Answer]:
    by_kind: dict[ItemKind, Answer] = {
        ItemKind.NRS: 3, ItemKind.YES_NO: False, ItemKind.PGIC: "no_change",
        ItemKind.MULTI: products, ItemKind.CHOICE: "10_50",
    }  # fmt: skip
    answers: dict[str, Answer] = {}
    while (item := next_item(items, answers)) is not None:
        answers[item.key] = by_kind[item.kind]
    return answers


def test_b6_dose_is_skipped_when_products_are_none() -> None:
    items = questionnaire_items("weekly", 2, P)
    assert "b6_dose" not in answer_all(items, ("none",))
    assert answer_all(items, ("b_complex", "other"))["b6_dose"] == "10_50"


def test_progress_keeps_its_total_when_an_item_is_skipped() -> None:
    items = questionnaire_items("weekly", 2, P)  # pain, numbness, pgic, products, dose, the red-flag screen
    answers: dict[str, Answer] = {}
    assert progress(items, answers) == (1, 6)
    answers.update(pain=2, numbness=4)
    assert progress(items, answers) == (3, 6)
    answers.update(pgic="no_change", b6_products=("none",))
    assert progress(items, answers) == (6, 6)  # the B6 dose is passed over: "4 of 6" then "6 of 6"
    assert next_item(items, answers) == RED_FLAG_ITEMS[0]  # the screen's ten items are one question
    answers.update(dict.fromkeys(RED_FLAG_KEYS, False))
    assert is_complete(items, answers)
    assert next_item(items, answers) is None
    assert progress(items, answers) == (6, 6)


def test_patients_on_oral_b12_are_not_asked_about_reactions_after_an_injection() -> None:
    oral = questionnaire_items("weekly", 2, P, injections=False)
    assert not {"rf_allergy_severe", "rf_allergy_rash"} & set(keys(oral)) and len(oral) == 13
    assert keys(questionnaire_items("weekly", 2, P))[-2:] == ["rf_allergy_severe", "rf_allergy_rash"]
    assert is_complete(oral, {**answer_all(oral, ("none",))})


def test_progress_walks_one_by_one() -> None:
    items = questionnaire_items("baseline", 0, P)
    answers: dict[str, Answer] = {}
    seen = []
    while (item := next_item(items, answers)) is not None:
        seen.append(progress(items, answers))
        answers[item.key] = (
            ("multivitamin",)
            if item.kind is ItemKind.MULTI
            else item.validate(
                0 if item.kind is ItemKind.NRS else True if item.kind is ItemKind.YES_NO else item.choices[0]
            )
        )
    # the ten red-flag items are one screen, one question: answered one by one here, each is "20 of 20"
    assert seen == [(i, 20) for i in range(1, 21)] + [(20, 20)] * 9


PAIN, NUMB, PGIC_ITEM, *_ = questionnaire_items("weekly", 2, P)
PRODUCTS, DOSE = questionnaire_items("weekly", 2, P)[3:5]


@pytest.mark.parametrize(
    ("item", "answer", "ok"),
    [
        (PAIN, 0, True), (PAIN, 10, True), (PAIN, -1, False), (PAIN, 11, False), (PAIN, True, False),
        (PAIN, 3.0, False), (PAIN, "3", False), (RED_FLAG_ITEMS[0], True, True), (RED_FLAG_ITEMS[0], 1, False),
        (PGIC_ITEM, "much_worse", True), (PGIC_ITEM, "worse", False), (DOSE, "not_sure", True),
        (DOSE, "1000", False), (PRODUCTS, ("none",), True), (PRODUCTS, ("b_complex", "energy_drinks"), True),
        (PRODUCTS, ("none", "b_complex"), False), (PRODUCTS, (), False), (PRODUCTS, ("tea",), False),
        (PRODUCTS, ("other", "other"), False), (PRODUCTS, "none", False),
    ],
)  # fmt: skip
def test_validate(item: Item, answer: object, ok: bool) -> None:
    if ok:
        assert item.validate(answer) == answer
    else:
        with pytest.raises(ValueError, match=item.key):
            item.validate(answer)


def test_expires_after_three_days() -> None:
    sent = datetime(2025, 3, 1, 9, tzinfo=UTC)
    assert expires_at(sent, P.questionnaires) == sent + timedelta(days=3)
