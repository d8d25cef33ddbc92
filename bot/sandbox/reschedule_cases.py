"""Time-change scenarios and their invariants, shared by tests/test_reschedule_properties.py (hypothesis
draws them) and bench/reschedule.py (a seeded random stream): the rule's doses over a run of changes
(`simulate`) and the invariants they must keep (`check`; numbered as in the test module's docstring)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from care.protocol import Protocol
from care.regimens import Regimen, build_regimen
from care.transition import bounds
from schedules.dosetimes import DoseSlot, dose_slots
from schedules.phases import dose_days
from schedules.reschedule import Kept, Setting, nominal_at, plan_change

RULES = Protocol().doses
REGIMENS = {code: build_regimen(code) for code in ("oral-high", "oral-methyl", "source-weekly")}
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
         "Asia/Kolkata", "Pacific/Auckland", "Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Pago_Pago",
         "America/St_Johns", "UTC")  # fmt: skip
STARTS = (date(2026, 3, 24), date(2026, 10, 21), date(2026, 3, 30))  # DST changes within the first week
SPAN = timedelta(days=21)
TAIL = timedelta(days=6)


@dataclass(frozen=True)
class Scenario:
    code: str
    start: date
    first: Setting
    changes: tuple[tuple[timedelta, Setting], ...]  # after the start of the run, in order

    @property
    def regimen(self) -> Regimen:
        return REGIMENS[self.code]

    @property
    def begin(self) -> datetime:
        return datetime.combine(self.start, time(0), UTC) - timedelta(days=1)

    @property
    def end(self) -> datetime:
        return self.begin + (self.changes[-1][0] if self.changes else timedelta(0)) + TAIL


@dataclass(frozen=True)
class Dose:
    slot: DoseSlot
    setting: Setting  # the schedule that placed it


def simulate(sc: Scenario) -> tuple[list[Dose], bool]:
    """The doses of the whole run (pure), and whether every change was feasible."""

    def slots(setting: Setting, frm: datetime) -> list[DoseSlot]:
        return dose_slots(sc.regimen, start=sc.start, zone=setting.zone, reminder_time=setting.at,
                          window_start=frm, window_end=sc.end)  # fmt: skip

    doses = [Dose(s, sc.first) for s in slots(sc.first, sc.begin)]
    setting, feasible = sc.first, True
    for offset, new in sc.changes:
        now = sc.begin + offset
        kept = [d for d in doses if d.slot.due_at <= now]
        stay = [Kept(d.slot.due_at, d.slot.local_date, d.slot.slot, d.slot.phase_index) for d in kept]
        planned = [d.slot for d in doses if d.slot.due_at > now]
        change = plan_change(
            sc.regimen, start=sc.start, old=setting, new=new, now=now, kept=stay, planned=planned, rules=RULES
        )
        assert all(s.due_at >= now for s in change.extra)  # 3: nothing placed in the past
        assert change.resume_from >= now
        feasible &= change.feasible
        doses = kept + [Dose(s, new) for s in change.extra] + [Dose(s, new) for s in slots(new, change.resume_from)]
        setting = new
    return sorted(doses, key=lambda d: d.slot.due_at), feasible


def check(sc: Scenario, doses: list[Dose], feasible: bool) -> None:
    ids = [(d.slot.local_date, d.slot.slot) for d in doses]
    assert len(ids) == len(set(ids)), "1: a therapy day and slot has two doses"
    cutoff = (sc.end - timedelta(days=3)).date()
    expected = set()
    for day, phase, _ in dose_days(sc.regimen, sc.start):
        if day > cutoff:
            break
        expected |= {(day, n) for n in range(sc.regimen.phases[phase].times_per_day)}
    assert {i for i in ids if i[0] <= cutoff} == expected, "2: a dose day lost a dose or got one too many"
    if not feasible:
        return
    assert ids == sorted(ids), "4: doses out of therapy-day order"
    for a, b in itertools.pairwise(doses):
        ref = b.setting
        nominal = nominal_at(sc.regimen, ref, b.slot.local_date, b.slot.slot, b.slot.phase_index) - nominal_at(
            sc.regimen, ref, a.slot.local_date, a.slot.slot, a.slot.phase_index
        )
        low, high = bounds(nominal, RULES)
        assert low <= b.slot.due_at - a.slot.due_at <= high, f"5: {a.slot.due_at} -> {b.slot.due_at}"
