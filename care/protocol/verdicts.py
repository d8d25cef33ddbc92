"""Improvement verdicts at the milestones (IMMPACT thresholds on pain NRS 0-10 and the PGIC)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from care.pgic import Pgic
from care.protocol.base import _ascending, _src

_IMMPACT = "IMMPACT (Dworkin 2008; Farrar 2001)"


class Verdicts(BaseModel):
    """Improvement verdicts at the milestones (CLINICAL.md 'Improvement verdicts'); pain is NRS 0-10."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    early_week: int = Field(
        6,
        ge=1,
        le=52,
        json_schema_extra=_src("CLINICAL.md: follow-up within 4-6 weeks (source document), evaluated at week 6"),
    )
    month3_week: int = Field(
        12,
        ge=1,
        le=104,
        json_schema_extra=_src(
            "CLINICAL.md: milestone month 3 (source: substantial recovery usually within 3-6 months)"
        ),
    )
    month6_week: int = Field(
        24,
        ge=1,
        le=104,
        json_schema_extra=_src(
            "CLINICAL.md: milestone month 6 (source: substantial recovery usually within 3-6 months)"
        ),
    )
    low_baseline_below: int = Field(
        4,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "CLINICAL.md Improvement verdicts, week 6 only: < 1 point instead of < 20% when baseline pain < 4; "
            + _IMMPACT
        ),
    )
    early_poor_below_pct: int = Field(
        20,
        ge=1,
        le=100,
        json_schema_extra=_src("CLINICAL.md week 6: poor if pain reduction < 20% (and PGIC no change or worse)"),
    )
    early_poor_below_points: int = Field(
        1, ge=1, le=10, json_schema_extra=_src("CLINICAL.md week 6: < 1 point when baseline pain < 4")
    )
    moderate_pct: int = Field(
        30,
        ge=1,
        le=100,
        json_schema_extra=_src(f"CLINICAL.md: pain reduction >= 30% (or >= 2 points) is moderate; {_IMMPACT}"),
    )
    moderate_points: int = Field(
        2,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "CLINICAL.md (clarified, issue 14): moderate when >= 30% OR >= 2 points, either one whatever the "
            f"baseline; week 12/24 poor when neither holds; {_IMMPACT}"
        ),
    )
    substantial_pct: int = Field(
        50,
        ge=1,
        le=100,
        json_schema_extra=_src(f"CLINICAL.md: pain reduction >= 50% is substantial: good at week 12/24; {_IMMPACT}"),
    )
    early_poor_pgic: Pgic = Field(
        Pgic.NO_CHANGE,
        json_schema_extra=_src("CLINICAL.md week 6: PGIC 'no change' or worse (with small pain reduction) is poor"),
    )
    poor_pgic_below: Pgic = Field(
        Pgic.MUCH_IMPROVED,
        json_schema_extra=_src(f"CLINICAL.md week 12/24: PGIC below 'much improved' is poor; {_IMMPACT}"),
    )
    good_pgic: Pgic = Field(
        Pgic.VERY_MUCH_IMPROVED,
        json_schema_extra=_src(f"CLINICAL.md week 12/24: PGIC 'very much improved' is good; {_IMMPACT}"),
    )
    worsening_pain_points: int = Field(
        2, ge=1, le=10, json_schema_extra=_src("CLINICAL.md: worsening in any week: pain >= 2 points above baseline")
    )
    worsening_pgic: Pgic = Field(
        Pgic.MUCH_WORSE,
        json_schema_extra=_src("CLINICAL.md: worsening in any week: PGIC 'much worse' or 'very much worse'"),
    )
    symptoms_remain_nrs_at_least: int = Field(
        1,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "Source document: 'some patients may have residual abnormalities'; 'recheck B12 if symptoms persist'. "
            "Interpretation: symptoms remain when the latest pain or numbness NRS is >= 1"
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Verdicts:
        _ascending(
            "verdicts",
            ("early_week", "month3_week", "month6_week"),
            (self.early_week, self.month3_week, self.month6_week),
        )
        _ascending(
            "verdicts",
            ("early_poor_below_pct", "moderate_pct", "substantial_pct"),
            (self.early_poor_below_pct, self.moderate_pct, self.substantial_pct),
        )
        if self.moderate_points < self.early_poor_below_points:
            raise ValueError("verdicts.moderate_points must be at least verdicts.early_poor_below_points")
        if not self.good_pgic.rank < self.poor_pgic_below.rank <= self.early_poor_pgic.rank:
            raise ValueError("verdicts.poor_pgic_below must lie between good_pgic and early_poor_pgic")
        if self.worsening_pgic.rank <= Pgic.NO_CHANGE.rank:
            raise ValueError("verdicts.worsening_pgic must be a 'worse' answer")
        return self

    @property
    def milestone_weeks(self) -> tuple[int, int, int]:
        return (self.early_week, self.month3_week, self.month6_week)
