"""The chart's input (plain data, texts already translated) and its week axis; see bot.render.charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TrendData:
    title: str  # the patient's alias and regimen, never a name
    weeks: Sequence[int] = ()  # questionnaire weeks with a completed score (0 = baseline)
    pain: Sequence[int] = ()
    numbness: Sequence[int] = ()
    dose_weeks: Sequence[int] = ()  # therapy weeks with doses due (week w: days 7(w-1) .. 7w-1)
    dose_pct: Sequence[float] = ()  # % of that week's due doses confirmed taken
    baseline_pain: int | None = None
    baseline_numbness: int | None = None
    milestones: Sequence[int] = field(default_factory=lambda: (4, 6, 12, 24))
    current_week: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # axis and legend texts, already translated
    no_dose_weeks: Sequence[int] = ()  # therapy weeks with nothing due
    events: Sequence[tuple[float, str]] = ()  # (weeks since the start, "red_flag" | "b6")
    verdicts: Sequence[tuple[int, str]] = ()  # (milestone week, outcome), already translated
    today: float | None = None  # weeks since the start


def label(data: TrendData, key: str, default: str) -> str:
    return data.labels.get(key, default)


def x_max(data: TrendData) -> int:
    last = max([data.current_week, *data.weeks, *data.dose_weeks, *data.no_dose_weeks, 1])
    ahead = [m for m in data.milestones if m >= last]
    return min(ahead) if ahead else last  # up to the next milestone, so the horizon shows


def bar_x(week: int) -> float:
    """Therapy week w is drawn over its own days: between the questionnaires of weeks w-1 and w."""
    return week - 0.5
