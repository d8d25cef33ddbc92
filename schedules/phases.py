"""The phase calendar: which local days a regimen has doses on, from its therapy start. Pure: no clock.

Phase calendar (the rules in the `care.regimens` module docstring, applied exactly):

- the first phase's first dose day is the therapy start date; each later phase's first dose day is
  one of its own intervals after the previous phase's last dose day (``every_months`` calendar months
  for a monthly phase, otherwise ``every_days`` days -- also for a ``week_days`` phase, whose
  ``every_days`` is its nominal spacing);
- within a phase, dose day k is ``first + k*every_days``; or, when ``every_months > 0``,
  ``first + k*every_months`` calendar months, keeping the first dose day's day of month and clipped to
  the end of shorter months, always computed from the phase's first day (Jan 31 -> Feb 28/29 ->
  Mar 31, never Feb 28 -> Mar 28); or, when ``week_days`` is set, ``first + 7*w + offset`` for each
  offset.  Week offsets are taken relative to the first listed offset, so the phase's first dose day
  is always a dose day (``(0, 2, 4)`` is unchanged; ``(1, 3, 5)`` behaves like ``(0, 2, 4)``).  A
  phase setting both ``every_months`` and ``week_days`` is ambiguous and refused with DoseTimeError;
- a phase ends after ``dose_days`` dose days, or with its last dose day before
  ``first + duration_days``, whichever comes first; with neither it is open-ended;
- each dose day has ``times_per_day`` reminders: at the patient's reminder time and then every
  ``spacing_hours`` hours of local wall-clock time, all on the same local day
  (see `validate_day_fits`).

Efficiency: `dose_slots` never walks the calendar from the start date.  It walks the (few) phases
to find their first days and dose-day counts in O(1) each, then jumps to the first dose day in the
window with integer arithmetic (``k = ceil(days / every_days)``, ``divmod(days, 7)``, month
difference) and only visits the dose days that can fall inside the window.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from care.regimens import Phase, Regimen
from schedules.timeparse import DoseTimeError

__all__ = ["Span", "dose_days", "dose_days_between"]

_Kind = Literal["days", "weeks", "months"]


def _kind(phase: Phase) -> _Kind:
    if phase.every_months > 0:
        if phase.week_days:
            raise DoseTimeError(f"phase {phase.name!r} sets both every_months and week_days; choose one")
        return "months"
    return "weeks" if phase.week_days else "days"


def _week_offsets(phase: Phase) -> tuple[int, ...]:
    base = phase.week_days[0]
    return tuple(offset - base for offset in phase.week_days)


def _add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clipped to the end of the month (Jan 31 + 1 -> Feb 28/29)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _phase_day(phase: Phase, first: date, k: int) -> date:
    """Dose day number `k` (0-based) of a phase whose first dose day is `first`."""
    kind = _kind(phase)
    if kind == "months":
        return _add_months(first, k * phase.every_months)
    if kind == "weeks":
        offsets = _week_offsets(phase)
        week, index = divmod(k, len(offsets))
        return first + timedelta(days=7 * week + offsets[index])
    return first + timedelta(days=k * phase.every_days)


def _first_index_on_or_after(phase: Phase, first: date, day: date) -> int:
    """The smallest k >= 0 with `_phase_day(phase, first, k) >= day`, in O(1)."""
    if day <= first:
        return 0
    kind = _kind(phase)
    if kind == "months":
        months = (day.year - first.year) * 12 + day.month - first.month
        k = months // phase.every_months  # dose k falls in day's month or earlier; dose k+1 after it
        return k if _phase_day(phase, first, k) >= day else k + 1
    delta = (day - first).days
    if kind == "weeks":
        offsets = _week_offsets(phase)
        week, rest = divmod(delta, 7)
        index = bisect_left(offsets, rest)
        if index == len(offsets):
            week, index = week + 1, 0
        return week * len(offsets) + index
    return -(-delta // phase.every_days)


def _interval_after(phase: Phase, day: date) -> date:
    """One of `phase`'s own intervals after `day`: where the phase starts after its predecessor."""
    if _kind(phase) == "months":
        return _add_months(day, phase.every_months)
    return day + timedelta(days=phase.every_days)


@dataclass(frozen=True)
class Span:
    index: int
    phase: Phase
    first: date
    count: int | None  # number of dose days; None: open-ended


def _dose_count(phase: Phase, first: date) -> int | None:
    counts: list[int] = []
    if phase.dose_days is not None:
        counts.append(phase.dose_days)
    if phase.duration_days is not None:
        try:
            limit = first + timedelta(days=phase.duration_days)
        except OverflowError:
            pass  # it cannot end before the calendar does
        else:
            # dose days before first + duration_days are exactly those with index < this one
            counts.append(_first_index_on_or_after(phase, first, limit))
    return min(counts) if counts else None


def _spans(regimen: Regimen, start: date) -> Iterator[Span]:
    """The phases with their first dose days and dose-day counts, in order (O(1) per phase)."""
    first = start
    for index, phase in enumerate(regimen.phases):
        count = _dose_count(phase, first)
        yield Span(index, phase, first, count)
        if count is None or index + 1 == len(regimen.phases):
            return
        try:
            first = _interval_after(regimen.phases[index + 1], _phase_day(phase, first, count - 1))
        except OverflowError:
            return


def dose_days(regimen: Regimen, start: date) -> Iterator[tuple[date, int, bool]]:
    """Every dose day from `start`: (day, phase_index, phase_start), in order.

    Infinite when the last phase is open-ended (it stops only at the end of the calendar, year 9999).
    `phase_start` is True on the first dose day of every phase after the first.
    """
    for span in _spans(regimen, start):
        k = 0
        while span.count is None or k < span.count:
            try:
                day = _phase_day(span.phase, span.first, k)
            except OverflowError:
                return
            yield day, span.index, span.index > 0 and k == 0
            k += 1


def dose_days_between(regimen: Regimen, start: date, low: date, high: date) -> Iterator[tuple[date, Span, int]]:
    """The dose days in [low, high] with their phase span and index within it, without walking
    the calendar from `start`."""
    for span in _spans(regimen, start):
        if span.first > high:
            return
        k = _first_index_on_or_after(span.phase, span.first, low)
        while span.count is None or k < span.count:
            try:
                day = _phase_day(span.phase, span.first, k)
            except OverflowError:
                return
            if day > high:
                break
            yield day, span, k
            k += 1
