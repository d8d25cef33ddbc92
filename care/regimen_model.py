"""What a B12 regimen is, as plain data: phases, and the checks a phase and a regimen must pass.

A regimen is a list of phases. Each phase gives the dose, its unit and route, how often it is
given and for how long. The presets are in `care.regimens`; the dose calendar itself is computed in
`schedules.dosetimes`.

Phase calendar rules (relied on by `schedules.dosetimes`):
- the first phase's first dose day is the therapy start date;
- within a phase, dose days are first + k*every_days, or first + k months (same day of month,
  clipped to the month's end) when every_months > 0, or, when week_days is set, the days
  first + 7*w + offset for each offset in week_days;
- a phase ends after `dose_days` dose days, or with the last dose day before first + duration_days;
  a phase with neither is open-ended (only the last phase may be);
- the next phase's first dose day is one of its own intervals after the previous phase's last dose
  day ("weekly x4, then monthly": the first monthly dose is a month after the last weekly one);
- each dose day has `times_per_day` reminders, at the patient's reminder time and then every
  `spacing_hours` hours (local wall-clock time, same day).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Route(StrEnum):
    ORAL = "oral"
    IM = "im"


class RegimenError(ValueError):
    """A regimen request that cannot be built; the message says what is wrong."""


@dataclass(frozen=True)
class Phase:
    name: str
    compound: str
    dose: float
    unit: str
    route: Route
    every_days: int = 1
    every_months: int = 0
    week_days: tuple[int, ...] = ()
    dose_days: int | None = None
    duration_days: int | None = None
    times_per_day: int = 1
    spacing_hours: int = 6
    b6_mg_per_dose: float = 0.0
    b1_mg_per_dose: float = 0.0
    note: str = ""

    @property
    def open_ended(self) -> bool:
        return self.dose_days is None and self.duration_days is None

    def validate(self) -> None:
        self._check_types()
        if self.dose <= 0:
            raise RegimenError(f"phase {self.name!r}: dose must be above 0")
        if self.unit not in ("mcg", "mg"):
            raise RegimenError(f"phase {self.name!r}: unit must be mcg or mg, not {self.unit!r}")
        if self.every_days < 1 or self.every_months < 0:
            raise RegimenError(f"phase {self.name!r}: the interval must be at least one day")
        if any(not 0 <= d <= 6 for d in self.week_days) or list(self.week_days) != sorted(set(self.week_days)):
            raise RegimenError(f"phase {self.name!r}: week_days must be distinct offsets 0-6 in order")
        if not 1 <= self.times_per_day <= 6 or not 1 <= self.spacing_hours <= 12:
            raise RegimenError(f"phase {self.name!r}: 1-6 times a day, 1-12 hours apart")
        if (self.times_per_day - 1) * self.spacing_hours >= 24:
            raise RegimenError(f"phase {self.name!r}: the day's doses must fit in one day")
        for label, value in (("dose_days", self.dose_days), ("duration_days", self.duration_days)):
            if value is not None and value < 1:
                raise RegimenError(f"phase {self.name!r}: {label} must be at least 1")
        if self.every_months and self.week_days:
            raise RegimenError(f"phase {self.name!r}: give either every_months or week_days, not both")

    def _check_types(self) -> None:
        def whole(value: object) -> bool:
            return isinstance(value, int) and not isinstance(value, bool)

        if not isinstance(self.dose, int | float) or isinstance(self.dose, bool):
            raise RegimenError(f"phase {self.name!r}: dose must be a number")
        for label in ("every_days", "every_months", "times_per_day", "spacing_hours"):
            if not whole(getattr(self, label)):
                raise RegimenError(f"phase {self.name!r}: {label} must be a whole number")
        for label in ("dose_days", "duration_days"):
            value = getattr(self, label)
            if value is not None and not whole(value):
                raise RegimenError(f"phase {self.name!r}: {label} must be a whole number")
        if not all(whole(d) for d in self.week_days):
            raise RegimenError(f"phase {self.name!r}: week_days must be whole numbers 0-6")


@dataclass(frozen=True)
class Regimen:
    code: str
    title: str
    phases: tuple[Phase, ...]
    basis: str
    params: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if not self.phases:
            raise RegimenError("a regimen needs at least one phase")
        for i, phase in enumerate(self.phases):
            phase.validate()
            if phase.open_ended and i != len(self.phases) - 1:
                raise RegimenError(f"phase {phase.name!r}: only the last phase may be open-ended")

    @property
    def last_daily_offset_hours(self) -> int:
        """Hours from the first to the last reminder of a day, over all phases."""
        return max((p.times_per_day - 1) * p.spacing_hours for p in self.phases)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for phase in data["phases"]:
            phase["route"] = str(phase["route"])
            phase["week_days"] = list(phase["week_days"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Regimen:
        try:
            phases = tuple(
                Phase(**{**p, "route": Route(p["route"]), "week_days": tuple(p.get("week_days", ()))})
                for p in data["phases"]
            )
            regimen = cls(
                code=str(data["code"]),
                title=str(data["title"]),
                phases=phases,
                basis=str(data.get("basis", "")),
                params=dict(data.get("params", {})),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RegimenError(f"not a valid regimen: {exc}") from exc
        regimen.validate()
        return regimen
