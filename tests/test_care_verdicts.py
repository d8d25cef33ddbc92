"""IMMPACT verdicts at weeks 6, 12, 24 and worsening in any week, on the exact edges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.pgic import Pgic
from care.protocol import Protocol, Questionnaires, Verdicts, default_protocol
from care.scoring import QuestionnaireScore
from care.verdicts import ESCALATE, RECHECK_B12, Verdict, is_milestone, milestone_verdict, worsening

V = default_protocol().verdicts
G = Verdict.GOOD
PA = Verdict.PARTIAL
PO = Verdict.POOR
VMI, MI, MIN_I, NC, MIN_W, MW, VMW = list(Pgic)


def score(pain: int, numbness: int = 5, pgic: Pgic | None = None) -> QuestionnaireScore:
    return QuestionnaireScore(pain, numbness, pgic, None, None, ("none",), None, 0.0, False, ())


def verdict(week: int, baseline: int, latest: int, pgic: Pgic, numbness: int = 5) -> Verdict:
    return milestone_verdict(week, score(baseline), score(latest, numbness, pgic), V).verdict


@pytest.mark.parametrize(
    ("baseline", "latest", "pgic", "expected"),
    [
        (10, 8, NC, G),  # exactly 20%: not below 20%
        (10, 9, NC, PO),  # 10% and no change
        (10, 9, MIN_W, PO),
        (10, 10, VMW, PO),
        (10, 9, MIN_I, G),  # PGIC better than no change: not poor whatever the pain
        (10, 10, MI, G),
        (5, 4, NC, G),  # exactly 20%
        (6, 5, NC, PO),  # 16.7%
        (4, 3, NC, G),  # baseline 4: percent, 25% is not below 20%
        (4, 4, NC, PO),
        (3, 2, NC, G),  # baseline < 4: 1 point is enough
        (3, 3, NC, PO),  # baseline < 4: < 1 point
        (1, 1, NC, PO),
        (0, 0, NC, PO),  # baseline 0: pain cannot show change, PGIC decides
        (0, 0, MIN_I, G),
        (0, 3, NC, PO),
    ],
)
def test_week_6(baseline: int, latest: int, pgic: Pgic, expected: Verdict) -> None:
    assert verdict(6, baseline, latest, pgic) is expected


@pytest.mark.parametrize("week", [12, 24])
@pytest.mark.parametrize(
    ("baseline", "latest", "pgic", "expected"),
    [
        (10, 7, MI, PA),  # exactly 30%: partial
        (10, 8, MI, PO),  # 20%: poor
        (10, 6, MI, PA),  # 40%
        (10, 5, MI, G),  # exactly 50%: good
        (10, 5, MIN_I, G),  # >= 50% is good even with a lower PGIC
        (10, 5, NC, G),
        (10, 6, MIN_I, PO),  # PGIC below much improved
        (10, 10, VMI, G),  # very much improved is good whatever the pain
        (10, 3, VMI, G),
        (7, 5, MI, PO),  # 28.6%
        (7, 4, MI, PA),  # 42.9%
        (8, 4, MI, G),  # 50%
        (4, 3, MI, PO),  # baseline 4: percent (25%), not points
        (4, 2, MI, G),
        (10, 8, MI, PO),  # a 2-point fall from 10 is 20%: not moderate (points only when baseline < 4)
        (3, 2, MI, PO),  # baseline < 4: 1 point (33%) is < 2 points
        (3, 1, MI, G),  # 2 points = 67%
        (3, 1, MIN_I, G),
        (2, 0, MI, G),
        (1, 1, MI, PA),  # baseline 1: a 2-point fall is impossible, PGIC decides
        (1, 1, MIN_I, PO),
        (1, 1, VMI, G),
        (1, 0, MIN_I, G),  # 100%
        (0, 0, MI, PA),  # baseline 0: no division, PGIC decides
        (0, 0, VMI, G),
        (0, 0, NC, PO),
        (0, 1, MI, PO),  # new pain is not "no change"
        (1, 2, MI, PO),
    ],
)
def test_weeks_12_and_24(week: int, baseline: int, latest: int, pgic: Pgic, expected: Verdict) -> None:
    assert verdict(week, baseline, latest, pgic, numbness=0) is expected


def test_baseline_zero_reports_no_percent() -> None:
    v = milestone_verdict(12, score(0), score(0, 0, MI), V)
    assert (v.reduction_pct, v.reduction_points, v.pain_judged) == (None, 0, False)
    assert milestone_verdict(12, score(10), score(7, 0, MI), V).reduction_pct == 30.0


@pytest.mark.parametrize(
    ("week", "latest", "numbness", "pgic", "outcome", "suggestions"),
    [
        (6, 9, 5, NC, "poor", (ESCALATE,)),
        (6, 5, 5, MI, "good", ()),
        (12, 5, 0, MI, "good", (RECHECK_B12,)),  # pain remains
        (12, 0, 0, VMI, "good", ()),
        (12, 0, 3, VMI, "good", (RECHECK_B12,)),  # numbness remains
        (12, 9, 5, NC, "poor", (RECHECK_B12,)),
        (24, 4, 0, MI, "residual_symptoms", (RECHECK_B12,)),  # partial with pain left
        (24, 2, 0, VMI, "residual_symptoms", (RECHECK_B12,)),  # good with pain left
        (24, 0, 1, VMI, "residual_symptoms", (RECHECK_B12,)),  # good with numbness left
        (24, 0, 0, VMI, "good", ()),
        (24, 9, 5, NC, "poor", (RECHECK_B12,)),  # poor is not "residual"
    ],
)
def test_outcomes_and_suggestions(
    week: int, latest: int, numbness: int, pgic: Pgic, outcome: str, suggestions: tuple[str, ...]
) -> None:
    v = milestone_verdict(week, score(10), score(latest, numbness, pgic), V)
    assert (v.outcome, v.suggestions) == (outcome, suggestions)
    assert v.residual_symptoms is (outcome == "residual_symptoms")


def test_symptoms_remain_threshold_from_protocol() -> None:
    v = Verdicts(symptoms_remain_nrs_at_least=3)
    assert milestone_verdict(24, score(10), score(2, 2, VMI), v).outcome == "good"
    assert milestone_verdict(24, score(10), score(3, 2, VMI), v).outcome == "residual_symptoms"


def test_only_milestones_and_only_with_pgic() -> None:
    assert [w for w in range(30) if is_milestone(w, V)] == [6, 12, 24]
    with pytest.raises(ValueError, match="not a milestone"):
        milestone_verdict(8, score(5), score(5, 5, NC), V)
    with pytest.raises(ValueError, match="no PGIC"):
        milestone_verdict(6, score(5), score(5), V)


def test_pgic_from_week_2_so_milestones_cannot_come_earlier() -> None:
    with pytest.raises(ValueError, match="pgic_from_week"):
        Protocol(verdicts=Verdicts(early_week=1, month3_week=12, month6_week=24))
    Protocol(verdicts=Verdicts(early_week=2), questionnaires=Questionnaires(pgic_from_week=2))


@pytest.mark.parametrize(
    ("baseline", "latest", "pgic", "reasons"),
    [
        (3, 5, None, ("pain",)),  # exactly 2 points above baseline
        (3, 4, None, None),
        (3, 4, MIN_W, None),
        (3, 3, MW, ("pgic",)),
        (3, 3, VMW, ("pgic",)),
        (0, 2, MW, ("pain", "pgic")),
        (5, 0, VMI, None),
    ],
)
def test_worsening(baseline: int, latest: int, pgic: Pgic | None, reasons: tuple[str, ...] | None) -> None:
    w = worsening(score(baseline), score(latest, 5, pgic), V)
    assert (w.reasons if w else None) == reasons
    if w:
        assert w.pain_rise == latest - baseline


RANK = {PO: 0, PA: 1, G: 2}


@given(st.integers(0, 10), st.integers(0, 10), st.integers(0, 10), st.sampled_from(list(Pgic)),
       st.sampled_from([6, 12, 24]))  # fmt: skip
def test_verdict_is_monotone_in_pain_reduction(baseline: int, a: int, b: int, pgic: Pgic, week: int) -> None:
    lower, higher = sorted((a, b))  # lower latest pain = larger reduction
    assert RANK[verdict(week, baseline, lower, pgic)] >= RANK[verdict(week, baseline, higher, pgic)]


@given(st.integers(0, 10), st.integers(0, 10), st.sampled_from(list(Pgic)), st.sampled_from(list(Pgic)),
       st.sampled_from([6, 12, 24]))  # fmt: skip
def test_verdict_is_monotone_in_pgic(baseline: int, latest: int, p: Pgic, q: Pgic, week: int) -> None:
    better, worse = sorted((p, q), key=lambda x: x.rank)
    assert RANK[verdict(week, baseline, latest, better)] >= RANK[verdict(week, baseline, latest, worse)]
