"""Improvement verdicts at the milestones and worsening in any week (CLINICAL.md 'Improvement verdicts').

Pain reduction = baseline pain - latest pain (NRS points); percent = reduction / baseline. Percent
comparisons are exact (integer arithmetic), so exactly 30% is moderate and exactly 50% substantial.

Week 6 (`early_week`): poor if PGIC is "no change" or worse AND pain fell < 20%; when baseline pain is
< 4 the pain test is in points: fell < 1 point. Otherwise good.

Weeks 12 and 24 (`month3_week`, `month6_week`), the table read as ordered rules:
1. good if pain fell >= 50% or PGIC is "very much improved" (either substantial signal suffices);
2. else poor if PGIC is below "much improved" OR pain fell < 30%; the "(< 2 points)" of the table
   is read like week 6's: when baseline pain is < 4 the test is in points, pain fell < 2 points
   (for baselines >= 4 percent alone decides, so a 2-point fall from 10 is not moderate);
3. else partial (30-49% with PGIC at least "much improved").
When baseline pain is too low for the points test to be reachable (below 1 point at week 6, below 2 at
weeks 12/24) and pain has not risen, pain cannot show a change and the PGIC alone decides; baseline 0
therefore never divides. Milestone weeks come after the PGIC week, so the latest response has a PGIC.

Symptoms remain when the latest pain or numbness NRS is >= `symptoms_remain_nrs_at_least` (default 1).
Week 24 outcome "residual_symptoms": a good or partial verdict with symptoms remaining, a normal
outcome. Weeks 12 and 24: symptoms remaining suggest "consider rechecking B12". Week 6 poor suggests
considering IM or a higher dose (NICE NG239).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from care.pgic import Pgic
from care.protocol import Verdicts
from care.scoring import QuestionnaireScore

RECHECK_B12 = "consider_rechecking_b12"
ESCALATE = "consider_im_or_higher_dose"  # NICE NG239: not improved on oral -> higher dose or IM


class Verdict(StrEnum):
    POOR = "poor"
    PARTIAL = "partial"
    GOOD = "good"


@dataclass(frozen=True)
class MilestoneVerdict:
    week: int
    verdict: Verdict
    residual_symptoms: bool  # week 24 only
    suggestions: tuple[str, ...]  # RECHECK_B12, ESCALATE
    baseline_pain: int
    latest_pain: int
    latest_numbness: int
    reduction_points: int
    reduction_pct: float | None  # None when baseline pain is 0
    pain_judged: bool  # False when baseline pain is too low for pain to show a change
    pgic: Pgic

    @property
    def outcome(self) -> str:
        return "residual_symptoms" if self.residual_symptoms else str(self.verdict)


def is_milestone(week: int, verdicts: Verdicts) -> bool:
    return week in verdicts.milestone_weeks


def _fell_enough(baseline: int, latest: int, pct: int, points: int, v: Verdicts) -> bool | None:
    """Did pain fall by >= pct (>= points when baseline < low_baseline_below)? None: cannot tell."""
    if baseline < points and latest <= baseline:
        return None
    reduction = baseline - latest
    if baseline < v.low_baseline_below:
        return reduction >= points
    return 100 * reduction >= pct * baseline


def milestone_verdict(
    week: int, baseline: QuestionnaireScore, latest: QuestionnaireScore, v: Verdicts
) -> MilestoneVerdict:
    """The verdict at a milestone week; ValueError for another week or a latest response without PGIC."""
    if not is_milestone(week, v):
        raise ValueError(f"week {week} is not a milestone ({v.milestone_weeks})")
    pgic = latest.pgic
    if pgic is None:
        raise ValueError(f"the week-{week} response has no PGIC")
    b, p = baseline.pain, latest.pain
    substantial = b > 0 and 100 * (b - p) >= v.substantial_pct * b
    if week == v.early_week:
        fell = _fell_enough(b, p, v.early_poor_below_pct, v.early_poor_below_points, v)
        poor = pgic.rank >= v.early_poor_pgic.rank and not fell
        verdict = Verdict.POOR if poor else Verdict.GOOD
    else:
        fell = _fell_enough(b, p, v.moderate_pct, v.moderate_points, v)
        if substantial or pgic.rank <= v.good_pgic.rank:
            verdict = Verdict.GOOD
        elif pgic.rank > v.poor_pgic_below.rank or fell is False:
            verdict = Verdict.POOR
        else:
            verdict = Verdict.PARTIAL
    remain = max(p, latest.numbness) >= v.symptoms_remain_nrs_at_least
    suggestions: list[str] = []
    if week == v.early_week and verdict is Verdict.POOR:
        suggestions.append(ESCALATE)
    if week in (v.month3_week, v.month6_week) and remain:
        suggestions.append(RECHECK_B12)
    return MilestoneVerdict(
        week=week,
        verdict=verdict,
        residual_symptoms=week == v.month6_week and verdict is not Verdict.POOR and remain,
        suggestions=tuple(suggestions),
        baseline_pain=b,
        latest_pain=p,
        latest_numbness=latest.numbness,
        reduction_points=b - p,
        reduction_pct=round(100 * (b - p) / b, 1) if b > 0 else None,
        pain_judged=fell is not None,
        pgic=pgic,
    )


@dataclass(frozen=True)
class Worsening:
    pain_rise: int  # latest pain - baseline pain
    pgic: Pgic | None
    reasons: tuple[str, ...]  # "pain", "pgic"


def worsening(baseline: QuestionnaireScore, latest: QuestionnaireScore, v: Verdicts) -> Worsening | None:
    """Worsening in any week: pain >= 2 points above baseline, or PGIC "much worse" or worse."""
    rise = latest.pain - baseline.pain
    reasons = []
    if rise >= v.worsening_pain_points:
        reasons.append("pain")
    if latest.pgic is not None and latest.pgic.rank >= v.worsening_pgic.rank:
        reasons.append("pgic")
    return Worsening(rise, latest.pgic, tuple(reasons)) if reasons else None
