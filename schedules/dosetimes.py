"""The dose calendar: which local days a regimen has doses on, and the UTC instant of each reminder.

Everything here is pure: nothing reads the clock, every function is given the dates and instants it
needs. Only the standard library and `care.regimens` are used.

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

DST policy (the "documented time" of a reminder; `local_to_utc` implements it for every reminder):

- a wall time that exists once on that day is used as is;
- a wall time that occurs twice (clocks fall back, e.g. 02:30 on 2026-10-25 in Europe/Berlin) means
  its FIRST occurrence (fold=0: 02:30 CEST = 00:30 UTC);
- a wall time that does not exist on that day (clocks spring forward, e.g. 02:30 on 2026-03-29 in
  Europe/Berlin) is moved forward by the length of the gap (-> 03:30 CEST = 01:30 UTC). For a
  midnight reminder on a day that starts at 01:00 (America/Santiago 2026-09-06, America/Havana
  2026-03-08, Africa/Cairo 2026-04-24) this is the first instant of that day.  Gaps of 30 minutes
  (Australia/Lord_Howe) move the time by 30 minutes;
- exception, so that a dose never leaves its day: if moving forward would carry the reminder past
  local midnight into the next day, it is moved BACK by the length of the gap instead.  This happens
  in America/Nuuk and America/Scoresbysund (Greenland, on EU rules at -02/-01 since 2024/2025): clocks
  go from 23:00 straight to 00:00 on the last Saturday night of March, so 23:30 on 2026-03-28 is
  22:30 (-02) that day, not 00:30 on the 29th.  (A day skipped entirely, such as Pacific/Apia's
  2011-12-30, has no instant at all; its reminder keeps the forward move, onto the next date);
- so every dose day has exactly one reminder per slot, on that local day, at its intended wall time
  or, only inside a gap, intended + gap (or intended - gap, in the exception).
  `DoseSlot.local_date` / `local_time` always carry the intended day and wall time.

The forward move is what zoneinfo does for ``fold=0``: inside a gap it applies the offset in force
before the transition, which lands the instant ``gap`` later on the wall clock; inside a repeated
hour it applies the earlier offset.  The backward move is ``fold=1`` inside a gap.  The tests check
the policy against transitions found independently (by converting UTC instants to local time) for
22 zones over two years.

Efficiency: `dose_slots` never walks the calendar from the start date.  It walks the (few) phases
to find their first days and dose-day counts in O(1) each, then jumps to the first dose day in the
window with integer arithmetic (``k = ceil(days / every_days)``, ``divmod(days, 7)``, month
difference) and only visits the dose days that can fall inside the window.
"""

from __future__ import annotations

import calendar
import difflib
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from care.regimens import Phase, Regimen

__all__ = [
    "DoseSlot",
    "DoseTimeError",
    "dose_days",
    "dose_slots",
    "end_of_local_day",
    "local_to_utc",
    "parse_reminder_time",
    "parse_timezone",
    "validate_day_fits",
]

_ONE_DAY = timedelta(days=1)
_DAY_SECONDS = 24 * 3600


class DoseTimeError(ValueError):
    """A reminder time, time zone or schedule request that cannot be used; the message says why."""


@dataclass(frozen=True)
class DoseSlot:
    """One reminder of one dose day."""

    due_at: datetime  # aware, UTC
    local_date: date  # the patient's local calendar day of this dose
    local_time: time  # the wall-clock time intended (before any DST adjustment)
    phase_index: int
    phase_start: bool  # first dose of a phase with phase_index > 0: the patient is told of the switch
    slot: int  # 0..times_per_day-1 within the day


# ---------------------------------------------------------------------------------------------
# Parsing


_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TIME_HELP = "write it as HH:MM on the 24-hour clock, e.g. 09:00 or 21:30"


def parse_reminder_time(text: str) -> time:
    """Parse "09:00", "9:00", "21:30" into a naive `time`. Raises DoseTimeError saying what is wrong."""
    stripped = text.strip()
    match = _TIME_RE.fullmatch(stripped)
    if match is None:
        raise DoseTimeError(f'"{stripped}" is not a time of day; {_TIME_HELP}')
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23:
        raise DoseTimeError(f'"{stripped}" is not a time of day: the hour must be 0-23; {_TIME_HELP}')
    if minute > 59:
        raise DoseTimeError(f'"{stripped}" is not a time of day: the minutes must be 00-59; {_TIME_HELP}')
    return time(hour, minute)


# A bare offset: "UTC+3", "GMT-05:00", "+0530", "UTC −3" (with a Unicode minus).
_OFFSET_RE = re.compile(r"(?:UTC|GMT|Z)?\s*[+\-\u2212]\s*[0-9]{1,2}(?::?[0-9]{2})?", re.IGNORECASE)
# Keys zoneinfo may load that are no patient's time zone: the server's own zone, tzdata's placeholder.
_REFUSED_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_ZONE_HELP = "give an IANA time zone name such as Europe/Berlin or America/New_York"


@cache
def _known_zones() -> frozenset[str]:
    # available_timezones() lists the IANA keys (it leaves out "right/..." leap-second variants,
    # which zoneinfo would otherwise load and which run ~27 s off civil time).
    return frozenset(available_timezones()) - _REFUSED_ZONES


def _zone_hint(name: str) -> str:
    zones = _known_zones()
    by_lower = {z.lower(): z for z in zones}
    close = [by_lower[name.lower()]] if name.lower() in by_lower else []
    close = close or difflib.get_close_matches(name, sorted(zones), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


def parse_timezone(name: str) -> ZoneInfo:
    """The IANA time zone `name` ("Europe/Berlin", "UTC"). Raises DoseTimeError naming the bad value."""
    stripped = name.strip()
    if not stripped:
        raise DoseTimeError(f"the time zone is empty; {_ZONE_HELP}")
    if _OFFSET_RE.fullmatch(stripped):
        raise DoseTimeError(
            f'"{stripped}" is a fixed UTC offset, not a time zone: it would not follow daylight saving '
            f"time; {_ZONE_HELP}"
        )
    if stripped not in _known_zones():
        raise DoseTimeError(f'"{stripped}" is not a known time zone{_zone_hint(stripped)}; {_ZONE_HELP}')
    try:
        return ZoneInfo(stripped)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # listed, but unreadable
        raise DoseTimeError(f'"{stripped}" is not a usable time zone ({exc}); {_ZONE_HELP}') from exc


# ---------------------------------------------------------------------------------------------
# Wall clock -> UTC


def _require_naive(at: time) -> time:
    if at.tzinfo is not None:
        raise DoseTimeError(f"a reminder time is a wall-clock time and carries no time zone, not {at!r}")
    return at.replace(fold=0)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on local `day` in `zone`, under the module's DST policy.

    Repeated wall time (fall back): the first occurrence.  Non-existent wall time (spring forward):
    moved forward by the length of the gap -- or back by it, if forward would leave the local day
    (America/Nuuk, 23:00-24:00 on the last Saturday of March).  These are zoneinfo's ``fold=0`` and
    ``fold=1`` readings (checked by the tests against independently found transitions).
    """
    return _wall_to_utc(datetime.combine(day, _require_naive(at)), zone)


def _wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    due_at = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if due_at.astimezone(zone).date() == wall.date():
        return due_at  # every case but a gap that ends after midnight
    back = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return back if back.astimezone(zone).date() == wall.date() else due_at


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """UTC instant at which local `day` ends: the next local midnight (the day may be 23 or 25 h long).

    If the next day has no midnight (it starts at 01:00, e.g. America/Santiago 2026-09-06), this is
    the instant that day starts; if midnight occurs twice (America/Havana 2026-11-01), the first one.
    """
    # fold=0 is right for midnight in every case: a gap moves it forward to the day's first instant
    # (also for a day skipped entirely), a repeat picks the first midnight.
    return datetime.combine(day + _ONE_DAY, time(0), zone).astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Phase arithmetic

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
class _Span:
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


def _spans(regimen: Regimen, start: date) -> Iterator[_Span]:
    """The phases with their first dose days and dose-day counts, in order (O(1) per phase)."""
    first = start
    for index, phase in enumerate(regimen.phases):
        count = _dose_count(phase, first)
        yield _Span(index, phase, first, count)
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


def _dose_days_between(regimen: Regimen, start: date, low: date, high: date) -> Iterator[tuple[date, _Span, int]]:
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


# ---------------------------------------------------------------------------------------------
# Reminders


def validate_day_fits(regimen: Regimen, reminder_time: time) -> None:
    """DoseTimeError unless every phase's last reminder of a day falls before local midnight."""
    _require_naive(reminder_time)
    if not regimen.phases:
        raise DoseTimeError(f"regimen {regimen.code!r} has no phases")
    phase = max(regimen.phases, key=lambda p: (p.times_per_day - 1) * p.spacing_hours)
    span_seconds = (phase.times_per_day - 1) * phase.spacing_hours * 3600
    first = timedelta(
        hours=reminder_time.hour,
        minutes=reminder_time.minute,
        seconds=reminder_time.second,
        microseconds=reminder_time.microsecond,
    )
    if first + timedelta(seconds=span_seconds) < _ONE_DAY:
        return
    how = f"{phase.times_per_day} reminders a day {phase.spacing_hours} hours apart"
    latest_minutes = (_DAY_SECONDS - span_seconds) // 60 - 1
    if latest_minutes < 0:
        raise DoseTimeError(f"{regimen.code}: {how} do not fit in one day")
    last = (datetime.combine(date.min, reminder_time) + timedelta(seconds=span_seconds)).time()
    latest = time(latest_minutes // 60, latest_minutes % 60)
    raise DoseTimeError(
        f"{regimen.code}: {how} starting at {reminder_time:%H:%M} would put the last one at "
        f"{last:%H:%M} the next day; the first reminder must be at {latest:%H:%M} or earlier"
    )


def _require_aware(instant: datetime, label: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise DoseTimeError(f"{label} must be an aware datetime (with a time zone), not {instant!r}")
    return instant.astimezone(UTC)


def dose_slots(
    regimen: Regimen,
    *,
    start: date,
    zone: ZoneInfo,
    reminder_time: time,
    window_start: datetime,
    window_end: datetime,
) -> list[DoseSlot]:
    """Every reminder with ``window_start <= due_at < window_end`` (aware datetimes), in due order.

    Cost is O(number of phases + dose days in the window), however long ago `start` was.
    Consecutive windows partition the reminders: none is lost or repeated at a window edge.
    """
    low_utc = _require_aware(window_start, "window_start")
    high_utc = _require_aware(window_end, "window_end")
    validate_day_fits(regimen, reminder_time)
    reminder_time = reminder_time.replace(fold=0)
    if high_utc <= low_utc:
        return []
    # A reminder's local date is its dose day (or the day after, if that day did not exist at all).
    low_day = low_utc.astimezone(zone).date()
    low_day = low_day - _ONE_DAY if low_day > date.min else low_day
    high_day = high_utc.astimezone(zone).date()

    slots: list[DoseSlot] = []
    for day, span, k in _dose_days_between(regimen, start, low_day, high_day):
        phase = span.phase
        first_wall = datetime.combine(day, reminder_time)  # naive, fold=0
        for slot in range(phase.times_per_day):
            wall = first_wall + timedelta(hours=slot * phase.spacing_hours)
            due_at = _wall_to_utc(wall, zone)  # == local_to_utc(day, wall.time(), zone)
            if low_utc <= due_at < high_utc:
                slots.append(
                    DoseSlot(
                        due_at=due_at,
                        local_date=day,
                        local_time=wall.time(),
                        phase_index=span.index,
                        phase_start=span.index > 0 and k == 0 and slot == 0,
                        slot=slot,
                    )
                )
    # Phase order and slot order already give due order, except if a DST gap longer than the spacing
    # pushed an earlier slot past a later one; sort to guarantee it.
    slots.sort(key=lambda s: (s.due_at, s.local_date, s.slot))
    return slots
