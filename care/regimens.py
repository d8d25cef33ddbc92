"""B12 regimen presets (CLINICAL.md 'Regimen presets') as plain data.

What a regimen is (its phases, their calendar rules and checks) is `care.regimen_model`; its names are
re-exported here, so `from care.regimens import Phase, Regimen, build_regimen` keeps working. The dose
calendar itself is computed in `schedules.dosetimes`.
"""

from __future__ import annotations

from typing import Any

from care.regimen_model import Phase, Regimen, RegimenError, Route
from care.regimen_sources import SEED_TITLE

__all__ = [
    "ORAL_HIGH_STEP_DOWN_AFTER_DAYS",
    "PRESET_CODES",
    "SOURCE",
    "SOURCE_DAILY_DOSE_RANGE_MCG",
    "Phase",
    "Regimen",
    "RegimenError",
    "Route",
    "build_regimen",
]


SOURCE = f'source document "{SEED_TITLE}", section "Treatment Recommendations"'  # regimen_sources: in full
SOURCE_DAILY_DOSE_RANGE_MCG = (100, 500)  # source: "100-500 mcg daily"
ORAL_HIGH_STEP_DOWN_AFTER_DAYS = 56  # CLINICAL.md: optionally 1000 mcg weekly after week 8


def _oral(name: str, compound: str, dose: float, **kw: Any) -> Phase:
    return Phase(name=name, compound=compound, dose=dose, unit="mcg", route=Route.ORAL, **kw)


def _im(name: str, compound: str, dose: float, unit: str, **kw: Any) -> Phase:
    return Phase(name=name, compound=compound, dose=dose, unit=unit, route=Route.IM, **kw)


def _source_weekly() -> Regimen:
    return Regimen(
        "source-weekly",
        "B12 1000 mcg by mouth once a week",
        (_oral("maintenance", "vitamin B12", 1000, every_days=7),),
        SOURCE,
    )


def _source_daily(dose_mcg: float | None) -> Regimen:
    low, high = SOURCE_DAILY_DOSE_RANGE_MCG
    if dose_mcg is None:
        raise RegimenError(f"source-daily needs a dose chosen by the clinician: --dose {low}-{high} (mcg)")
    if not low <= dose_mcg <= high:
        raise RegimenError(f"source-daily dose must be {low}-{high} mcg, not {dose_mcg:g}")
    return Regimen(
        "source-daily",
        f"B12 {dose_mcg:g} mcg by mouth daily",
        (_oral("maintenance", "vitamin B12", dose_mcg),),
        SOURCE,
        {"dose": dose_mcg},
    )


def _oral_high(step_down: bool) -> Regimen:
    basis = "Cochrane review (oral 1000-2000 mcg/day comparable to IM); OB12 trial"
    if not step_down:
        return Regimen("oral-high", "B12 1000 mcg by mouth daily", (_oral("daily", "cyanocobalamin", 1000),), basis)
    return Regimen(
        "oral-high",
        "B12 1000 mcg by mouth daily, weekly after week 8",
        (
            _oral("daily", "cyanocobalamin", 1000, duration_days=ORAL_HIGH_STEP_DOWN_AFTER_DAYS),
            _oral("weekly", "cyanocobalamin", 1000, every_days=7),
        ),
        basis,
        {"step_down": True},
    )


def _oral_methyl() -> Regimen:
    return Regimen(
        "oral-methyl",
        "methylcobalamin 500 mcg by mouth three times a day",
        (_oral("daily", "methylcobalamin", 500, times_per_day=3, spacing_hours=6),),
        "Methycobal label",
    )


def _im_hydroxo_neuro() -> Regimen:
    return Regimen(
        "im-hydroxo-neuro",
        "hydroxocobalamin 1 mg injection every other day, then every 2 months",
        (
            _im(
                "loading",
                "hydroxocobalamin",
                1,
                "mg",
                every_days=2,
                duration_days=21,
                note="until no further improvement; review at week 3",
            ),
            _im("maintenance", "hydroxocobalamin", 1, "mg", every_months=2),
        ),
        "BNF, neurological involvement",
    )


def _im_hydroxo() -> Regimen:
    return Regimen(
        "im-hydroxo",
        "hydroxocobalamin 1 mg injection three times a week for 2 weeks, then every 3 months",
        (
            _im("loading", "hydroxocobalamin", 1, "mg", every_days=2, week_days=(0, 2, 4), duration_days=14),
            _im("maintenance", "hydroxocobalamin", 1, "mg", every_months=3),
        ),
        "BNF",
    )


def _im_cyano_1000() -> Regimen:
    return Regimen(
        "im-cyano-1000",
        "cyanocobalamin 1000 mcg injection daily for 7 days, weekly for 4 weeks, then monthly",
        (
            _im("loading", "cyanocobalamin", 1000, "mcg", dose_days=7),
            _im("weekly", "cyanocobalamin", 1000, "mcg", every_days=7, dose_days=4),
            _im("monthly", "cyanocobalamin", 1000, "mcg", every_months=1),
        ),
        "common high-dose practice (OB12 introduction)",
    )


PRESET_CODES: tuple[str, ...] = (
    "source-weekly",
    "source-daily",
    "oral-high",
    "oral-methyl",
    "im-hydroxo-neuro",
    "im-hydroxo",
    "im-cyano-1000",
)


def build_regimen(code: str, *, dose_mcg: float | None = None, step_down: bool = False) -> Regimen:
    """The preset `code`, with its parameters. Raises RegimenError naming what is wrong."""
    if dose_mcg is not None and code != "source-daily":
        raise RegimenError(f"--dose applies only to source-daily, not {code}")
    if step_down and code != "oral-high":
        raise RegimenError(f"--step-down applies only to oral-high, not {code}")
    builders = {
        "source-weekly": _source_weekly,
        "source-daily": lambda: _source_daily(dose_mcg),
        "oral-high": lambda: _oral_high(step_down),
        "oral-methyl": _oral_methyl,
        "im-hydroxo-neuro": _im_hydroxo_neuro,
        "im-hydroxo": _im_hydroxo,
        "im-cyano-1000": _im_cyano_1000,
    }
    if code not in builders:
        raise RegimenError(f"unknown regimen {code!r}; choose one of: {', '.join(PRESET_CODES)}")
    regimen = builders[code]()
    regimen.validate()
    return regimen
