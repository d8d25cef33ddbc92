"""Vitamin B6: the dose buttons (ranges of mg/day) and the intake tiers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from care.protocol.base import _ascending, _src


class DoseRange(BaseModel):
    """One B6 dose button: intake above `above_mg` and up to `up_to_mg` mg/day (None: no upper bound).

    The first range may be the point 0 (`up_to_mg` 0: "none"). `assumed_mg` is the figure the rules use.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    above_mg: float = Field(ge=0, le=100_000)
    up_to_mg: float | None = Field(default=None, ge=0, le=100_000)
    assumed_mg: float = Field(ge=0, le=100_000)


_RANGE_SRC = (
    "CLINICAL.md Vitamin B6 tiers (IOM 1998, EFSA 2023, TGA 2022-2025, UK EVM 2003): the range edges are the "
    "tier edges 10/50/100/500 mg/day; interpretation: a range is assumed at its top, so it never under-states "
    "intake; the open range 'over 500' is assumed at 1000 mg/day (any value above 500 gives the same tier)"
)


def _default_ranges() -> tuple[DoseRange, ...]:
    edges = (
        (None, 0.0, 0.0),
        ("under_10", 0.0, 10.0),
        ("10_50", 10.0, 50.0),
        ("50_100", 50.0, 100.0),
        ("100_500", 100.0, 500.0),
    )
    ranges = [DoseRange(key=k or "none", above_mg=a, up_to_mg=u, assumed_mg=u) for k, a, u in edges]
    return (*ranges, DoseRange(key="over_500", above_mg=500.0, up_to_mg=None, assumed_mg=1000.0))


class B6Thresholds(BaseModel):
    """Total daily vitamin B6 intake tiers (CLINICAL.md 'Vitamin B6'); each tier is 'above' its figure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    info_above_mg: float = Field(
        10.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "CLINICAL.md B6 tier info: > 10 mg/day (UK EVM 2003 safe upper level 10 mg/day; TGA label threshold; "
            "EFSA 2023 UL 12 mg/day)"
        ),
    )
    warning_above_mg: float = Field(
        50.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "CLINICAL.md B6 tier warning: > 50 mg/day (EFSA 2023 reference point 50 mg/day; TGA reports below 50)"
        ),
    )
    urgent_above_mg: float = Field(
        100.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "CLINICAL.md B6 tier urgent (review in 24-48 h): > 100 mg/day (US IOM 1998 UL; TGA adult maximum)"
        ),
    )
    source_figure_mg: float = Field(
        500.0,
        gt=0,
        le=10_000,
        json_schema_extra=_src(
            "Source document: 'high doses (>500 mg/day) can cause sensory neuropathy'; named in the alert when reached"
        ),
    )
    numbness_rise_points: int = Field(
        2,
        ge=1,
        le=10,
        json_schema_extra=_src(
            "CLINICAL.md B6: raise one tier when intake > 10 mg/day and sensory symptoms worsen (TGA safety reviews "
            "2022-2025: no safe minimum dose or duration); interpretation: numbness NRS up by >= 2 points, the "
            "IMMPACT moderate change (Farrar 2001), versus the previous or the baseline answer"
        ),
    )
    dose_ranges: tuple[DoseRange, ...] = Field(
        default_factory=_default_ranges, min_length=2, max_length=10, json_schema_extra=_src(_RANGE_SRC)
    )

    @model_validator(mode="after")
    def _check(self) -> B6Thresholds:
        names = ("info_above_mg", "warning_above_mg", "urgent_above_mg", "source_figure_mg")
        _ascending("b6", names, tuple(float(getattr(self, n)) for n in names))
        keys = [r.key for r in self.dose_ranges]
        if len(set(keys)) != len(keys) or "not_sure" in keys:
            raise ValueError("b6.dose_ranges: keys must be distinct and not 'not_sure'")
        previous: DoseRange | None = None
        for i, r in enumerate(self.dose_ranges):
            where = f"b6.dose_ranges[{i}] ({r.key})"
            expected = 0.0 if previous is None else previous.up_to_mg
            if r.above_mg != expected:
                raise ValueError(f"{where}.above_mg must be {expected}: ranges must ascend without gaps")
            if r.up_to_mg is None and i != len(self.dose_ranges) - 1:
                raise ValueError(f"{where}.up_to_mg: only the last range may be open")
            point_zero = r.up_to_mg == 0 and i == 0
            if r.up_to_mg is not None and r.up_to_mg <= r.above_mg and not point_zero:
                raise ValueError(f"{where}.up_to_mg must be above above_mg")
            top = r.up_to_mg if r.up_to_mg is not None else float("inf")
            if not (r.assumed_mg == 0 if point_zero else r.above_mg < r.assumed_mg <= top):
                raise ValueError(f"{where}.assumed_mg must lie in the range")
            previous = r
        return self
