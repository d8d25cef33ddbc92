"""The dose instants after a change of reminder time or time zone (pure: `now` is given).

A dose's identity is its therapy day and slot: (`local_date`, `slot`) as stored on its row, the local
calendar day it was planned for. A change never gives an identity a second dose and never drops one:

- doses kept (sent, answered, or due by `now`) cover their identities; the new schedule's reminders
  for covered identities are not planned (today's 08:00 Berlin dose taken, then a move to New York at
  10:00 Berlin time: no second dose on that therapy day);
- doses move to the same local time in the new zone (`schedules.dosetimes`, its DST policy);
- an identity still ahead in the old schedule whose new time has already passed keeps its old time
  (08:00 -> 06:00 at 07:00: today's dose stays at 08:00, from tomorrow at 06:00);
- then the gaps are checked (`care.transition`): two doses within 8 hours or more than 36 hours apart
  (for a daily dose) need a transition dose, which the patient confirms.

`resume_from` is where the planner takes over: it plans the new schedule's reminders due from then on.
The reminders the change places itself (a dose kept at its old time, the transition dose, a new one
due before `resume_from`) are in `extra`; none of them shares an identity with a planned one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from care.protocol import DoseTiming
from care.regimens import Regimen
from care.transition import WAKING, Due, propose
from schedules.dosetimes import DoseSlot, dose_slots
from schedules.wallclock import local_to_utc

TICK = timedelta(microseconds=1)
LOOKAHEAD = (timedelta(days=4), timedelta(days=40), timedelta(days=400))
ENOUGH = 4  # upcoming doses checked after a change


@dataclass(frozen=True)
class Setting:
    zone: ZoneInfo
    at: time  # the daily reminder time, wall clock


@dataclass(frozen=True)
class Kept:
    due_at: datetime
    local_date: date
    slot: int
    phase_index: int = 0


@dataclass(frozen=True)
class ChangePlan:
    resume_from: datetime
    extra: tuple[DoseSlot, ...]  # reminders the change places itself (none is a regular one from resume_from)
    previous: datetime | None  # the last kept dose
    next_dose: datetime | None  # the first reminder after the change
    transition: DoseSlot | None = None  # the moved dose (also in extra), for the patient to confirm
    window: tuple[datetime, datetime] | None = None  # the times the transition dose may take
    feasible: bool = True  # False: no single transition dose keeps every gap acceptable

    @property
    def needs_confirmation(self) -> bool:
        return self.transition is not None


def identity(slot: DoseSlot | Kept) -> tuple[date, int]:
    return slot.local_date, slot.slot


def nominal_at(regimen: Regimen, setting: Setting, day: date, slot: int, phase_index: int) -> datetime:
    """Where an identity falls in `setting` (as if it had always been in force): nominal gaps come from
    these, so a daily gap is 24 hours, or 23 or 25 across a DST change, and a regimen's own spacing holds."""
    wall = datetime.combine(day, setting.at) + timedelta(hours=slot * regimen.phases[phase_index].spacing_hours)
    return local_to_utc(day, wall.time(), setting.zone)


def _slots(regimen: Regimen, start: date, setting: Setting, after: datetime, until: datetime) -> list[DoseSlot]:
    """The setting's reminders from `after`, at least up to `until`, and at least ENOUGH of them."""
    for ahead in LOOKAHEAD:
        end = max(until, after + ahead)
        slots = dose_slots(regimen, start=start, zone=setting.zone, reminder_time=setting.at, window_start=after,
                           window_end=end)  # fmt: skip
        if len(slots) >= 2 * ENOUGH:
            break
    return slots


def plan_change(
    regimen: Regimen,
    *,
    start: date,
    old: Setting,
    new: Setting,
    now: datetime,
    kept: Sequence[Kept],
    planned: Sequence[DoseSlot] = (),
    rules: DoseTiming,
    transition: bool = True,
) -> ChangePlan:
    """The doses after changing from `old` to `new` at `now` (see the module). `kept`: the doses that
    stay; `planned`: the future doses planned before the change (replaced by it), whose times win over
    `old`'s for an identity that keeps its time. `transition` False: no transition dose is proposed (a
    paused patient, a regimen change); the gaps are what they are."""
    covered = {identity(k) for k in kept}
    last = max(kept, key=lambda k: k.due_at, default=None)
    latest_day = max((k.local_date for k in kept), default=now.date())
    until = datetime.combine(latest_day + timedelta(days=3), time(0), new.zone)
    fresh = _slots(regimen, start, new, now, until)
    resume_from = now
    for slot in fresh:  # covered identities come first (kept doses are in the past)
        if identity(slot) in covered:
            resume_from = max(resume_from, slot.due_at + TICK)
    early = [s for s in fresh if s.due_at < resume_from and identity(s) not in covered]
    regular = [s for s in fresh if s.due_at >= resume_from]
    first_new = identity(regular[0]) if regular else None
    placed = {identity(s) for s in early}
    ahead = {identity(s): s for s in _slots(regimen, start, old, now, until)}
    ahead |= {identity(s): s for s in planned if s.due_at >= now}  # as planned (an earlier change's extra)
    lost = [
        s for key, s in sorted(ahead.items()) if key not in covered | placed and (first_new is None or key < first_new)
    ]
    upcoming = sorted([*lost, *early], key=identity) + regular[:ENOUGH]  # in therapy-day order
    dues, before = [], (nominal_at(regimen, new, last.local_date, last.slot, last.phase_index) if last else None)
    for s in upcoming:
        here = nominal_at(regimen, new, s.local_date, s.slot, s.phase_index)
        dues.append(Due(s.due_at, here - before if before is not None else timedelta(0)))
        before = here
    previous = last.due_at if last else None
    proposal = propose(previous, dues, now=now, zone=new.zone, rules=rules, waking=WAKING[0] <= new.at <= WAKING[1])
    extra = upcoming[: len(lost) + len(early)]
    if proposal is None or not transition:
        return ChangePlan(resume_from, tuple(extra), previous, upcoming[0].due_at if upcoming else None)
    moved = {i: replace(upcoming[i], due_at=at, local_time=at.astimezone(new.zone).time()) for i, at in proposal.moves}
    last_moved = max(moved)
    extra = [moved.get(i, s) for i, s in enumerate(upcoming[: max(len(extra), last_moved + 1)])]
    if last_moved >= len(lost) + len(early):  # regular reminders moved: the planner starts after them
        resume_from = upcoming[last_moved].due_at + TICK
    extra.sort(key=lambda s: s.due_at)
    first = moved[min(moved)]
    return ChangePlan(resume_from, tuple(extra), previous, extra[0].due_at, first, proposal.window, proposal.feasible)
