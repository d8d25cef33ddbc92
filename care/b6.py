"""Total daily vitamin B6 intake and its tier (CLINICAL.md 'Vitamin B6').

Total = the regimen's B6 + what the patient reports from products. Tiers are "above" their figure:
none (<= 10 mg/day), info (> 10), warning (> 50), urgent (> 100); above 500 mg/day the source
document's figure is reached and named in the alert. When intake is above the info figure and
numbness has risen by the protocol's points since the previous or the baseline answer, the tier is
raised by one (TGA: no safe minimum dose or duration), urgent staying urgent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from care.protocol import B6Thresholds
from care.regimens import Phase


class B6Tier(StrEnum):
    NONE = "none"
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"

    @property
    def raised(self) -> B6Tier:
        order = list(B6Tier)
        return order[min(order.index(self) + 1, len(order) - 1)]


def phase_b6_mg_per_day(phase: Phase) -> float:
    """B6 a regimen phase gives on a dose day (b6_mg_per_dose x times_per_day).

    Per dose day, not averaged over the week: a weekly dose of 100 mg counts as 100 mg/day.
    """
    return phase.b6_mg_per_dose * phase.times_per_day


def b6_tier(total_mg_per_day: float, b6: B6Thresholds) -> B6Tier:
    if total_mg_per_day > b6.urgent_above_mg:
        return B6Tier.URGENT
    if total_mg_per_day > b6.warning_above_mg:
        return B6Tier.WARNING
    if total_mg_per_day > b6.info_above_mg:
        return B6Tier.INFO
    return B6Tier.NONE


@dataclass(frozen=True)
class B6Assessment:
    regimen_mg_per_day: float
    reported_mg_per_day: float | None  # None when the patient is not sure
    total_mg_per_day: float  # regimen + reported (reported counted 0 when not sure)
    base_tier: B6Tier  # from the total alone
    tier: B6Tier  # after the raise for worsening numbness
    raised: bool
    numbness_rise: int | None  # the larger rise vs previous or baseline; None without a reference
    source_threshold_reached: bool  # total above the source document's 500 mg/day
    unsure: bool  # "not sure" of the dose: the team should review the labels


def assess_b6(
    regimen_mg_per_day: float,
    reported_mg_per_day: float | None,
    b6: B6Thresholds,
    *,
    numbness: int | None = None,
    numbness_previous: int | None = None,
    numbness_baseline: int | None = None,
) -> B6Assessment:
    """The B6 tier of this week's total intake; see the module docstring for the rules."""
    if regimen_mg_per_day < 0 or (reported_mg_per_day is not None and reported_mg_per_day < 0):
        raise ValueError("B6 amounts cannot be negative")
    total = regimen_mg_per_day + (reported_mg_per_day or 0.0)
    base = b6_tier(total, b6)
    references = [r for r in (numbness_previous, numbness_baseline) if r is not None]
    rise = max(numbness - r for r in references) if numbness is not None and references else None
    raise_tier = total > b6.info_above_mg and rise is not None and rise >= b6.numbness_rise_points
    return B6Assessment(
        regimen_mg_per_day=regimen_mg_per_day,
        reported_mg_per_day=reported_mg_per_day,
        total_mg_per_day=total,
        base_tier=base,
        tier=base.raised if raise_tier else base,
        raised=raise_tier and base is not B6Tier.URGENT,
        numbness_rise=rise,
        source_threshold_reached=total > b6.source_figure_mg,
        unsure=reported_mg_per_day is None,
    )
