"""Wall clock -> UTC under the DST policy, for every reminder; the end of a local day. Pure: no clock.

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
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedules.timeparse import DoseTimeError

__all__ = ["end_of_local_day", "local_to_utc", "require_naive", "wall_to_utc"]

ONE_DAY = timedelta(days=1)


def require_naive(at: time) -> time:
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
    return wall_to_utc(datetime.combine(day, require_naive(at)), zone)


def wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
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
    return datetime.combine(day + ONE_DAY, time(0), zone).astimezone(UTC)
