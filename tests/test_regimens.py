"""Regimen presets (care/regimens.py) and the dose calendars they produce (schedules/dosetimes.py)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from care.regimens import PRESET_CODES, Phase, Regimen, RegimenError, Route, build_regimen
from schedules.dosetimes import dose_slots
from schedules.phases import dose_days
from schedules.timeparse import DoseTimeError

BUILD_ARGS: dict[str, dict[str, Any]] = {"source-daily": {"dose_mcg": 250}}


def _preset(code: str, **kw: Any) -> Regimen:
    return build_regimen(code, **{**BUILD_ARGS.get(code, {}), **kw})


def _days(regimen: Regimen, start: date, n: int) -> list[tuple[date, int, bool]]:
    return list(itertools.islice(dose_days(regimen, start), n))


def _d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


# --------------------------------------------------------------------------------------------
# Building and validating presets


def test_there_are_seven_presets() -> None:
    assert len(PRESET_CODES) == 7
    assert len(set(PRESET_CODES)) == 7


@pytest.mark.parametrize("code", PRESET_CODES)
def test_each_preset_builds_and_validates(code: str) -> None:
    regimen = _preset(code)
    assert regimen.code == code
    assert regimen.title
    assert regimen.phases
    regimen.validate()
    assert not any(p.open_ended for p in regimen.phases[:-1])
    # every preset goes on for ever: the last phase is open-ended
    assert regimen.phases[-1].open_ended
    # and yields dose days in strictly increasing order
    days = [d for d, _, _ in _days(regimen, _d(1, 5), 200)]
    assert days == sorted(set(days))


def test_oral_high_step_down_builds() -> None:
    regimen = build_regimen("oral-high", step_down=True)
    assert [p.name for p in regimen.phases] == ["daily", "weekly"]
    assert regimen.params == {"step_down": True}
    assert len(build_regimen("oral-high").phases) == 1


def test_unknown_preset_is_refused_with_the_choices() -> None:
    with pytest.raises(RegimenError, match=r"unknown regimen 'im-cyano-5000'.*source-weekly"):
        build_regimen("im-cyano-5000")


def test_source_daily_needs_a_dose() -> None:
    with pytest.raises(RegimenError, match=r"--dose 100-500"):
        build_regimen("source-daily")


@pytest.mark.parametrize("dose", [50, 99.9, 500.1, 600])
def test_source_daily_dose_out_of_range(dose: float) -> None:
    with pytest.raises(RegimenError, match=rf"100-500 mcg, not {dose:g}"):
        build_regimen("source-daily", dose_mcg=dose)


@pytest.mark.parametrize("dose", [100, 250, 500])
def test_source_daily_dose_in_range(dose: float) -> None:
    regimen = build_regimen("source-daily", dose_mcg=dose)
    assert regimen.phases[0].dose == dose
    assert regimen.params == {"dose": dose}


@pytest.mark.parametrize("code", [c for c in PRESET_CODES if c != "source-daily"])
def test_dose_on_another_preset_is_refused(code: str) -> None:
    with pytest.raises(RegimenError, match=rf"--dose applies only to source-daily, not {code}"):
        build_regimen(code, dose_mcg=250)


def test_step_down_on_another_preset_is_refused() -> None:
    with pytest.raises(RegimenError, match="--step-down applies only to oral-high"):
        build_regimen("oral-methyl", step_down=True)


@pytest.mark.parametrize(
    "regimen",
    [_preset(c) for c in PRESET_CODES] + [build_regimen("oral-high", step_down=True)],
    ids=[*PRESET_CODES, "oral-high-step-down"],
)
def test_to_dict_from_dict_round_trip(regimen: Regimen) -> None:
    data = regimen.to_dict()
    assert all(isinstance(p["route"], str) and isinstance(p["week_days"], list) for p in data["phases"])
    again = Regimen.from_dict(data)
    assert again == regimen
    assert all(isinstance(p.route, Route) and isinstance(p.week_days, tuple) for p in again.phases)
    assert again.to_dict() == data


def _good_dict() -> dict[str, Any]:
    return build_regimen("im-cyano-1000").to_dict()


def _with_phase(**changes: Any) -> dict[str, Any]:
    data = _good_dict()
    data["phases"][0].update(changes)
    return data


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        42,
        "im-cyano-1000",
        [],
        {},
        {"code": "x", "title": "y"},
        {"code": "x", "title": "y", "phases": []},
        {"code": "x", "title": "y", "phases": 7},
        {"code": "x", "title": "y", "phases": ["daily"]},
        {"code": "x", "title": "y", "phases": [{"name": "p"}]},
        _with_phase(route="iv"),
        _with_phase(colour="blue"),
        _with_phase(dose=0),
        _with_phase(unit="ml"),
        _with_phase(every_days=0),
        _with_phase(week_days=[4, 2]),
        _with_phase(times_per_day=9),
        _with_phase(dose_days=None),  # an open-ended phase that is not the last
    ],
)
def test_from_dict_of_garbage_raises_regimen_error(garbage: Any) -> None:
    with pytest.raises(RegimenError):
        Regimen.from_dict(garbage)


@pytest.mark.parametrize(
    "changes",
    [{"dose": "lots"}, {"times_per_day": "3"}, {"week_days": ["mon"]}, {"every_days": 2.5}, {"dose": True}],
    ids=str,
)
def test_from_dict_with_wrongly_typed_fields_raises_regimen_error(changes: dict[str, Any]) -> None:
    with pytest.raises(RegimenError):
        Regimen.from_dict(_with_phase(**changes))


# --------------------------------------------------------------------------------------------
# Concrete calendars


def test_im_cyano_1000_calendar() -> None:
    got = _days(build_regimen("im-cyano-1000"), _d(1, 5), 7 + 4 + 4)
    daily = [(_d(1, day), 0, False) for day in range(5, 12)]
    weekly = [(_d(1, 18), 1, True), (_d(1, 25), 1, False), (_d(2, 1), 1, False), (_d(2, 8), 1, False)]
    monthly = [(_d(3, 8), 2, True), (_d(4, 8), 2, False), (_d(5, 8), 2, False), (_d(6, 8), 2, False)]
    assert got == daily + weekly + monthly
    assert [day for day, _, start in got if start] == [_d(1, 18), _d(3, 8)]


def test_im_hydroxo_calendar() -> None:
    got = _days(build_regimen("im-hydroxo"), _d(1, 5), 6 + 3)
    loading = [_d(1, 5), _d(1, 7), _d(1, 9), _d(1, 12), _d(1, 14), _d(1, 16)]  # offsets 0, 2, 4 a week
    assert [d for d, i, _ in got if i == 0] == loading
    assert [(d, i, s) for d, i, s in got if i == 1] == [
        (_d(4, 16), 1, True),  # three months after the last loading dose
        (_d(7, 16), 1, False),
        (_d(10, 16), 1, False),
    ]


def test_im_hydroxo_neuro_calendar() -> None:
    got = _days(build_regimen("im-hydroxo-neuro"), _d(1, 5), 11 + 3)
    start = _d(1, 5)
    assert [d for d, i, _ in got if i == 0] == [start + timedelta(days=n) for n in range(0, 21, 2)]
    assert len([1 for _, i, _ in got if i == 0]) == 11
    assert got[10] == (_d(1, 25), 0, False)  # day 20, the last loading dose
    assert [(d, s) for d, i, s in got if i == 1] == [
        (_d(3, 25), True),  # every two months after the last loading dose
        (_d(5, 25), False),
        (_d(7, 25), False),
    ]


def test_oral_high_step_down_calendar() -> None:
    start = _d(1, 5)
    got = _days(build_regimen("oral-high", step_down=True), start, 56 + 3)
    assert [d for d, i, _ in got if i == 0] == [start + timedelta(days=n) for n in range(56)]
    assert [(d, s) for d, i, s in got if i == 1] == [
        (start + timedelta(days=62), True),  # a week after day 55, the last daily dose
        (start + timedelta(days=69), False),
        (start + timedelta(days=76), False),
    ]


def test_oral_high_without_step_down_is_daily_for_ever() -> None:
    start = _d(1, 5)
    got = _days(build_regimen("oral-high"), start, 1000)
    assert got == [(start + timedelta(days=n), 0, False) for n in range(1000)]


def test_source_weekly_calendar() -> None:
    got = _days(build_regimen("source-weekly"), _d(12, 28, 2025), 3)
    assert got == [(_d(12, 28, 2025), 0, False), (_d(1, 4), 0, False), (_d(1, 11), 0, False)]


def test_oral_methyl_three_reminders_a_day_six_hours_apart() -> None:
    zone = ZoneInfo("Europe/Berlin")
    slots = dose_slots(
        build_regimen("oral-methyl"),
        start=_d(1, 5),
        zone=zone,
        reminder_time=time(8, 0),
        window_start=datetime(2026, 1, 5, tzinfo=zone),
        window_end=datetime(2026, 1, 7, tzinfo=zone),
    )
    assert [(s.local_date, s.local_time, s.slot) for s in slots] == [
        (day, time(hour), slot) for day in (_d(1, 5), _d(1, 6)) for slot, hour in enumerate((8, 14, 20))
    ]
    assert [s.due_at.astimezone(zone).time() for s in slots] == [time(h) for h in (8, 14, 20) * 2]
    assert all(s.due_at.tzinfo is UTC for s in slots)
    assert not any(s.phase_start for s in slots)


def test_oral_methyl_late_reminder_does_not_fit_in_a_day() -> None:
    with pytest.raises(DoseTimeError, match="must be at 11:59 or earlier"):
        dose_slots(
            build_regimen("oral-methyl"),
            start=_d(1, 5),
            zone=ZoneInfo("UTC"),
            reminder_time=time(13, 0),
            window_start=datetime(2026, 1, 5, tzinfo=UTC),
            window_end=datetime(2026, 1, 7, tzinfo=UTC),
        )


def _monthly(first_day: date, *, every: int = 1) -> Regimen:
    phase = Phase("monthly", "cyanocobalamin", 1000, "mcg", Route.IM, every_months=every)
    return Regimen("test-monthly", "monthly", (phase,), "test")


def test_month_end_clipping_from_the_first_day_not_cumulative() -> None:
    got = [d for d, _, _ in _days(_monthly(_d(1, 31)), _d(1, 31), 13)]
    assert got == [
        _d(1, 31), _d(2, 28), _d(3, 31), _d(4, 30), _d(5, 31), _d(6, 30), _d(7, 31),
        _d(8, 31), _d(9, 30), _d(10, 31), _d(11, 30), _d(12, 31), _d(1, 31, 2027),
    ]  # fmt: skip


def test_month_end_clipping_in_a_leap_year() -> None:
    got = [d for d, _, _ in _days(_monthly(_d(1, 31, 2028)), _d(1, 31, 2028), 3)]
    assert got == [_d(1, 31, 2028), _d(2, 29, 2028), _d(3, 31, 2028)]
    got = [d for d, _, _ in _days(_monthly(_d(2, 29, 2028), every=12), _d(2, 29, 2028), 5)]
    assert got == [_d(2, 29, 2028), _d(2, 28, 2029), _d(2, 28, 2030), _d(2, 28, 2031), _d(2, 29, 2032)]


def test_monthly_phase_after_a_month_end_is_anchored_on_its_own_first_day() -> None:
    # im-cyano-1000 started so that the last weekly dose is Jan 31: the first monthly dose is a month
    # later, clipped to Feb 28, and (per the rules) later doses keep the first monthly day, the 28th.
    got = _days(build_regimen("im-cyano-1000"), _d(12, 28, 2025), 7 + 4 + 3)
    assert got[10] == (_d(1, 31), 1, False)
    assert [(d, s) for d, i, s in got if i == 2] == [(_d(2, 28), True), (_d(3, 28), False), (_d(4, 28), False)]


def test_week_days_phase_counts_and_duration() -> None:
    phase = Phase("loading", "hydroxocobalamin", 1, "mg", Route.IM, every_days=2, week_days=(0, 2, 4), dose_days=5)
    tail = Phase("weekly", "hydroxocobalamin", 1, "mg", Route.IM, every_days=7)
    regimen = Regimen("t", "t", (phase, tail), "test")
    got = _days(regimen, _d(1, 5), 7)
    assert got == [
        (_d(1, 5), 0, False), (_d(1, 7), 0, False), (_d(1, 9), 0, False),
        (_d(1, 12), 0, False), (_d(1, 14), 0, False),
        (_d(1, 21), 1, True), (_d(1, 28), 1, False),
    ]  # fmt: skip


def test_finite_regimen_ends() -> None:
    phase = Phase("course", "cyanocobalamin", 1000, "mcg", Route.IM, every_days=3, duration_days=10)
    regimen = Regimen("t", "t", (phase,), "test")
    assert list(dose_days(regimen, _d(1, 1))) == [(_d(1, d), 0, False) for d in (1, 4, 7, 10)]


def test_ambiguous_phase_is_refused() -> None:
    phase = Phase("odd", "x", 1, "mg", Route.IM, every_months=1, week_days=(0, 3))
    with pytest.raises(DoseTimeError, match="both every_months and week_days"):
        next(dose_days(Regimen("t", "t", (phase,), "test"), _d(1, 1)))
