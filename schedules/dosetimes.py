"""The reminders of a regimen: each dose day's slots as UTC instants (`dose_slots`), and whether a day's
reminders fit before local midnight (`validate_day_fits`). Pure: nothing reads the clock.

Where the parts live: what people type (a time, a zone) in schedules/timeparse.py; the DST policy (wall clock
-> UTC) in schedules/wallclock.py; which local days have doses (the phase calendar) in schedules/phases.py.
`dose_slots` costs O(number of phases + dose days in the window), however long ago the therapy started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from care.regimens import Regimen
from schedules.phases import dose_days, dose_days_between
from schedules.timeparse import DoseTimeError, parse_reminder_time, parse_timezone
from schedules.wallclock import ONE_DAY, end_of_local_day, local_to_utc, require_naive, wall_to_utc

# DoseTimeError, the parsers, local_to_utc, end_of_local_day and dose_days are re-exported for services/,
# which imports them from here (its imports move with the services/ work of issue 16).
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

_DAY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class DoseSlot:
    """One reminder of one dose day."""

    due_at: datetime  # aware, UTC
    local_date: date  # the patient's local calendar day of this dose
    local_time: time  # the wall-clock time intended (before any DST adjustment)
    phase_index: int
    phase_start: bool  # first dose of a phase with phase_index > 0: the patient is told of the switch
    slot: int  # 0..times_per_day-1 within the day


def validate_day_fits(regimen: Regimen, reminder_time: time) -> None:
    """DoseTimeError unless every phase's last reminder of a day falls before local midnight."""
    require_naive(reminder_time)
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
    if first + timedelta(seconds=span_seconds) < ONE_DAY:
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
    low_day = low_day - ONE_DAY if low_day > date.min else low_day
    high_day = high_utc.astimezone(zone).date()

    slots: list[DoseSlot] = []
    for day, span, k in dose_days_between(regimen, start, low_day, high_day):
        phase = span.phase
        first_wall = datetime.combine(day, reminder_time)  # naive, fold=0
        for slot in range(phase.times_per_day):
            wall = first_wall + timedelta(hours=slot * phase.spacing_hours)
            due_at = wall_to_utc(wall, zone)  # == local_to_utc(day, wall.time(), zone)
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
