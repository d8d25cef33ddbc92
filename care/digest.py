"""What the care team's daily digest and milestone alerts say, as pure code (CLINICAL.md).

The milestones: the follow-up window opens at week 4 (source: follow up within 4-6 weeks), the
verdicts come at weeks 6, 12 and 24 (`Verdicts.milestone_weeks`). A patient is "silent" when nothing
was heard from them (no answer to a reminder or a question) for `SILENT_AFTER` (7 days).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from care.protocol import Verdicts

FOLLOW_UP_OPENS_WEEK = 4  # CLINICAL.md: "follow-up window opens at week 4 (team alerted with a course summary)"
SILENT_AFTER = timedelta(days=7)
SEVERITY_ORDER = ("urgent", "warning", "info")


def milestone_weeks(v: Verdicts) -> tuple[int, ...]:
    return tuple(sorted({FOLLOW_UP_OPENS_WEEK, *v.milestone_weeks}))


def milestone_day(therapy_start: date, week: int) -> date:
    return therapy_start + timedelta(weeks=week)


def milestones_between(therapy_start: date, first: date, last: date, v: Verdicts) -> list[tuple[int, date]]:
    """The milestones (week, local day) that fall on `first`..`last`, both included."""
    days = ((w, milestone_day(therapy_start, w)) for w in milestone_weeks(v))
    return [(w, d) for w, d in days if first <= d <= last]


def is_silent(last_heard: datetime | None, enrolled_at: datetime, now: datetime) -> bool:
    """Nothing heard for SILENT_AFTER; counted from enrolment when never heard at all."""
    return now - (last_heard or enrolled_at) >= SILENT_AFTER


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Figures:
    """The numbers behind a flag or a course summary for one patient."""

    baseline_pain: int | None = None
    latest_pain: int | None = None
    baseline_numbness: int | None = None
    latest_numbness: int | None = None
    adherence_pct: int | None = None  # doses confirmed over the adherence window
    b6_mg_per_day: float | None = None  # regimen + reported, per the latest questionnaire
    doses_due: int = 0
    doses_taken: int = 0
    b6_range: str | None = None  # the B6 range the patient chose in the latest answer (None: no products)
    b6_regimen_mg: float = 0.0  # B6 in the prescribed regimen, mg/day


def figures_from(scores: Sequence[dict[str, object]], *, regimen_b6: float, due: int, taken: int) -> Figures:
    """`scores`: the score JSON of completed questionnaires, baseline first, oldest to newest."""

    def num(score: dict[str, object] | None, key: str) -> int | None:
        value = score.get(key) if score else None
        return int(str(value)) if value is not None else None

    first = scores[0] if scores else None
    last = scores[-1] if scores else None
    reported = last.get("b6_mg_per_day_reported") if last else None
    return Figures(
        baseline_pain=num(first, "pain"),
        latest_pain=num(last, "pain"),
        baseline_numbness=num(first, "numbness"),
        latest_numbness=num(last, "numbness"),
        adherence_pct=percent(taken, due),
        b6_mg_per_day=regimen_b6 + float(str(reported)) if reported is not None else regimen_b6 or None,
        doses_due=due,
        doses_taken=taken,
        b6_range=str(last["b6_range"]) if last and last.get("b6_range") is not None else None,
        b6_regimen_mg=regimen_b6,
    )


@dataclass(frozen=True)
class Cohort:
    active: int
    mean_adherence_pct: int | None
    open_flags: int


def cohort(active: int, adherence: Iterable[int | None], open_flags: int) -> Cohort:
    known = [a for a in adherence if a is not None]
    return Cohort(active, round(sum(known) / len(known)) if known else None, open_flags)
