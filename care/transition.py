"""When a change of reminder time or time zone needs a transition dose, and where to put it.

Pure: instants in, instants out; nothing reads the clock. The caller lists the doses around the change:
the last dose before it (`previous`, when there is one) and the next doses as the new schedule would
give them (`upcoming`), each with its nominal gap, the regimen's own interval from the dose before it
(24 h between daily doses, the spacing between doses of one day, 168 h between weekly doses).

A gap is acceptable when  min(min_gap, nominal) <= gap <= max(max_gap, nominal + max_gap - 24 h)
(`DoseTiming.change_min_gap_hours` 8 and `change_max_gap_hours` 36, with their sources): for a daily
dose 8-36 hours; doses of one day keep their own spacing; a weekly dose may come at most 12 hours late.

When a gap is not acceptable, one upcoming dose moves to a transition time: the first dose whose move
makes every gap acceptable, at the middle of its allowed window (moved into waking hours, 07:00-22:00
local, when the window allows and the patient's own reminder time is in waking hours), on a quarter
hour. When no single move is enough (a change of more than about two days, or of several doses of one
day), the first doses are spread evenly up to the first one with room after it (`feasible` False): in
therapy-day order, never two at one time, but gaps may then be shorter than 8 or longer than 36 hours.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from care.flags import Flag, FlagKind, Severity
from care.protocol import DoseTiming

DAY = timedelta(days=1)
WAKING = (time(7), time(22))  # a transition dose is proposed inside these local hours when possible
QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    at: datetime  # aware
    nominal: timedelta  # the regimen's own interval from the dose before this one


@dataclass(frozen=True)
class Proposal:
    moves: tuple[tuple[int, datetime], ...]  # (index of an upcoming dose, its transition time); one when feasible
    window: tuple[datetime, datetime]  # every time in here would do for the first move
    feasible: bool  # every gap is acceptable with the move

    @property
    def at(self) -> datetime:
        return self.moves[0][1]


def bounds(nominal: timedelta, rules: DoseTiming) -> tuple[timedelta, timedelta]:
    """The shortest and longest acceptable gap before a dose whose nominal gap is `nominal`."""
    return min(rules.change_min_gap, nominal), max(rules.change_max_gap, nominal + rules.change_max_gap - DAY)


def first_bad(previous: datetime | None, upcoming: Sequence[Due], rules: DoseTiming) -> int | None:
    """The index of the first upcoming dose whose gap from the dose before it is not acceptable."""
    before = previous
    for i, due in enumerate(upcoming):
        if before is not None:
            low, high = bounds(due.nominal, rules)
            if not low <= due.at - before <= high:
                return i
        before = due.at
    return None


def propose(
    previous: datetime | None,
    upcoming: Sequence[Due],
    *,
    now: datetime,
    zone: ZoneInfo,
    rules: DoseTiming,
    waking: bool = True,
) -> Proposal | None:
    """None when every gap is acceptable; else the dose to move and its transition time (see module)."""
    bad = first_bad(previous, upcoming, rules)
    if bad is None:
        return None
    for i in range(len(upcoming) - 1):
        window = _window(previous, upcoming, i, now, rules)
        if window is None:
            continue
        at = _choose(*window, zone=zone, waking=waking)
        moved = [*upcoming[:i], Due(at, upcoming[i].nominal), *upcoming[i + 1 :]]
        if first_bad(previous, moved, rules) is None:
            return Proposal(((i, at),), window, True)
    return _spread(previous, upcoming, now)


def _spread(previous: datetime | None, upcoming: Sequence[Due], now: datetime) -> Proposal:
    """No single move is enough: the first doses, up to one with room after it, go evenly between now
    (at least an hour after the previous dose) and an hour before the next one; in order, none twice."""
    lo = max(now, previous + HOUR) if previous is not None else now
    for m in range(len(upcoming) - 1):
        hi, rest = upcoming[m + 1].at - HOUR, [due.at for due in upcoming[m + 1 :]]
        if hi > lo and all(a < b for a, b in itertools.pairwise(rest)):
            step = (hi - lo) / (m + 2)
            moves = tuple((k, lo + step * (k + 1)) for k in range(m + 1))
            return Proposal(moves, (lo, moves[1][1] if m else hi), False)
    return Proposal(((0, max(lo, upcoming[0].at)),), (lo, lo), False)


def _window(
    previous: datetime | None, upcoming: Sequence[Due], i: int, now: datetime, rules: DoseTiming
) -> tuple[datetime, datetime] | None:
    before = previous if i == 0 else upcoming[i - 1].at
    after = upcoming[i + 1]
    low_after, high_after = bounds(after.nominal, rules)
    lo, hi = max(now, after.at - high_after), after.at - low_after
    if before is not None:
        low_before, high_before = bounds(upcoming[i].nominal, rules)
        lo, hi = max(lo, before + low_before), min(hi, before + high_before)
    return (lo, hi) if lo <= hi else None


def _choose(lo: datetime, hi: datetime, *, zone: ZoneInfo, waking: bool) -> datetime:
    """The middle of [lo, hi], or the waking time nearest to it; on a quarter hour when one fits."""
    middle = lo + (hi - lo) / 2
    best = middle
    if waking and not _is_waking(middle, zone):
        day = middle.astimezone(zone).date()
        spans = []
        for offset in (-1, 0, 1):
            wake_from, wake_until = (datetime.combine(day + offset * DAY, w, zone).astimezone(UTC) for w in WAKING)
            if max(lo, wake_from) <= min(hi, wake_until):
                spans.append((max(lo, wake_from), min(hi, wake_until)))
        if spans:
            best = min((min(max(middle, a), b) for a, b in spans), key=lambda at: abs(at - middle))
    return _quarter(best, lo, hi)


def _is_waking(at: datetime, zone: ZoneInfo) -> bool:
    return WAKING[0] <= at.astimezone(zone).time() <= WAKING[1]


def _quarter(at: datetime, lo: datetime, hi: datetime) -> datetime:
    stamp = at.astimezone(UTC)
    floor = stamp - timedelta(minutes=stamp.minute % 15, seconds=stamp.second, microseconds=stamp.microsecond)
    for candidate in sorted((floor, floor + QUARTER), key=lambda c: abs(c - stamp)):
        if lo <= candidate <= hi:
            return candidate
    return stamp


def flag_for_change(at: datetime, facts: dict[str, object]) -> Flag:
    """An info flag for the care team's next digest: the patient changed reminder time or time zone."""
    return Flag(FlagKind.SCHEDULE_CHANGE, Severity.INFO, f"change:{at.astimezone(UTC).isoformat()}", facts)
