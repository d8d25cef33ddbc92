"""A care team's reading hours ("Mon-Fri 08:00-17:00"): parsed, shown to patients, used by escalation.

Pure: every function takes the moment it is asked about; nothing here reads the clock. A team without
hours (None) is treated as reading at any time, and patients are told only the emergency advice.

Text form: one or more windows separated by ";", each "<days> HH:MM-HH:MM" where days are "Mon-Fri",
"Mon,Wed,Fri", "Sat" or "daily". A window ends after it starts on the same day (24:00 allowed as an end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WINDOW = re.compile(
    r"^\s*(?P<days>[A-Za-z][A-Za-z,\s-]*?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


class HoursError(ValueError):
    """The text is not a valid hours description; the message says what to write."""


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # 0 = Monday
    start: int  # minutes after local midnight
    end: int  # minutes after local midnight, > start, at most 24*60

    def text(self) -> str:
        return f"{_days_text(self.days)} {_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True)
class Hours:
    windows: tuple[Window, ...]

    def text(self) -> str:
        """The canonical form, stored in `team.hours` and shown to people."""
        return "; ".join(w.text() for w in self.windows)


def parse_hours(text: str) -> Hours:
    """Parse "Mon-Fri 08:00-17:00" (see the module doc). Raises HoursError with a reason."""
    parts = [p for p in text.split(";") if p.strip()]
    if not parts:
        raise HoursError("empty: write e.g. Mon-Fri 08:00-17:00")
    return Hours(tuple(_window(p) for p in parts))


def is_open(hours: Hours | None, at: datetime, tz: ZoneInfo) -> bool:
    """Whether the team reads messages at the moment `at` (aware), in its zone `tz`."""
    if hours is None:
        return True
    local = at.astimezone(tz)
    minute = local.hour * 60 + local.minute
    return any(local.weekday() in w.days and w.start <= minute < w.end for w in hours.windows)


def next_open(hours: Hours | None, at: datetime, tz: ZoneInfo) -> datetime:
    """`at` itself when the team is reading then, else the start of the next window (UTC)."""
    if hours is None or is_open(hours, at, tz):
        return at.astimezone(UTC)
    day = at.astimezone(tz).date()
    starts = [
        _local(day + timedelta(days=offset), w.start, tz)
        for offset in range(8)
        for w in hours.windows
        if (day + timedelta(days=offset)).weekday() in w.days
    ]
    return min(s for s in starts if s > at)


def _window(text: str) -> Window:
    match = _WINDOW.match(text)
    if match is None:
        raise HoursError(f"'{text.strip()}': write days then a time range, e.g. Mon-Fri 08:00-17:00")
    start, end = _minutes(match["start"]), _minutes(match["end"])
    if not 0 <= start < end <= 24 * 60:
        raise HoursError(f"'{text.strip()}': the end must come after the start on the same day")
    return Window(_days(match["days"]), start, end)


def _days(text: str) -> frozenset[int]:
    words = text.replace(" ", "")
    if words.lower() in ("daily", "mon-sun"):
        return frozenset(range(7))
    days: set[int] = set()
    for item in words.split(","):
        first, _, last = item.partition("-")
        a, b = _day(first), _day(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(days)


def _day(word: str) -> int:
    for number, name in enumerate(DAYS):
        if word[:3].lower() == name.lower() and len(word) >= 3:
            return number
    raise HoursError(f"'{word}' is not a day: use Mon, Tue, Wed, Thu, Fri, Sat, Sun or daily")


def _minutes(hhmm: str) -> int:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(f"'{hhmm}' is not a time of day")
    return hours * 60 + minutes


def day_runs(days: frozenset[int]) -> list[tuple[int, int]]:
    """Consecutive days as (first, last) pairs, Monday first: {0,1,2,3,4,6} -> [(0, 4), (6, 6)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _days_text(days: frozenset[int]) -> str:
    if days == frozenset(range(7)):
        return "daily"
    return ",".join(DAYS[a] if a == b else f"{DAYS[a]}-{DAYS[b]}" for a, b in day_runs(days))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The wall-clock moment `minutes` after local midnight of `day`, in UTC (a skipped hour moves on)."""
    return (datetime.combine(day, time(0), tz) + timedelta(minutes=minutes)).astimezone(UTC)
