"""Total daily B6 and its tier: exact edges, the raise for worsening numbness, "not sure"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.b6 import B6Tier, assess_b6, b6_tier, phase_b6_mg_per_day
from care.protocol import B6Thresholds, default_protocol
from care.regimens import Phase, Route

B6 = default_protocol().b6


@pytest.mark.parametrize(
    ("total", "tier", "source"),
    [
        (0, B6Tier.NONE, False), (10, B6Tier.NONE, False), (10.01, B6Tier.INFO, False),
        (50, B6Tier.INFO, False), (50.01, B6Tier.WARNING, False), (100, B6Tier.WARNING, False),
        (100.01, B6Tier.URGENT, False), (500, B6Tier.URGENT, False), (500.01, B6Tier.URGENT, True),
    ],
)  # fmt: skip
def test_tier_edges(total: float, tier: B6Tier, source: bool) -> None:
    for regimen, reported in ((0.0, total), (total, 0.0), (total / 2, total / 2)):
        a = assess_b6(regimen, reported, B6)
        assert (a.base_tier, a.tier, a.source_threshold_reached, a.raised) == (tier, tier, source, False)
        assert a.total_mg_per_day == pytest.approx(total)


@pytest.mark.parametrize(
    ("total", "now", "previous", "baseline", "tier", "raised"),
    [
        (10, 7, 5, 5, B6Tier.NONE, False),  # intake not above 10: no raise
        (10.01, 7, 5, 5, B6Tier.WARNING, True),
        (10.01, 6, 5, 5, B6Tier.INFO, False),  # a 1-point rise is not enough
        (50, 7, 5, None, B6Tier.WARNING, True),  # vs previous only
        (50, 7, None, 5, B6Tier.WARNING, True),  # vs baseline only
        (50, 7, 6, 5, B6Tier.WARNING, True),  # creeping: 1 vs previous, 2 vs baseline
        (50, 7, 5, 8, B6Tier.WARNING, True),  # the larger rise counts
        (50, 7, None, None, B6Tier.INFO, False),  # nothing to compare with
        (50.01, 4, 2, 2, B6Tier.URGENT, True),
        (100.01, 9, 2, 2, B6Tier.URGENT, False),  # urgent stays urgent
        (50, 3, 5, 5, B6Tier.INFO, False),  # better, not worse
    ],
)
def test_raise_one_tier_when_numbness_worsens(
    total: float, now: int, previous: int | None, baseline: int | None, tier: B6Tier, raised: bool
) -> None:
    a = assess_b6(0, total, B6, numbness=now, numbness_previous=previous, numbness_baseline=baseline)
    assert (a.tier, a.raised) == (tier, raised)


def test_rise_points_come_from_the_protocol() -> None:
    strict = B6Thresholds(numbness_rise_points=1)
    assert assess_b6(0, 20, strict, numbness=6, numbness_previous=5).tier is B6Tier.WARNING
    assert assess_b6(0, 20, B6, numbness=6, numbness_previous=5).tier is B6Tier.INFO


def test_not_sure_counts_the_regimen_and_asks_for_review() -> None:
    a = assess_b6(60, None, B6)
    assert (a.unsure, a.total_mg_per_day, a.tier, a.reported_mg_per_day) == (True, 60, B6Tier.WARNING, None)
    assert assess_b6(0, None, B6).tier is B6Tier.NONE
    assert assess_b6(0, 0, B6).unsure is False


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        assess_b6(-1, 0, B6)


def test_phase_b6_per_day() -> None:
    phase = Phase("daily", "B-complex", 500, "mcg", Route.ORAL, times_per_day=3, b6_mg_per_dose=10)
    assert phase_b6_mg_per_day(phase) == 30
    assert phase_b6_mg_per_day(Phase("w", "B12", 1000, "mcg", Route.ORAL, every_days=7)) == 0


@given(st.floats(0, 2000), st.floats(0, 2000))
def test_tier_is_monotone_in_intake(a: float, b: float) -> None:
    order = list(B6Tier)
    low, high = sorted((a, b))
    assert order.index(b6_tier(low, B6)) <= order.index(b6_tier(high, B6))
