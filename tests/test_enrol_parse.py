"""The /enrol parsers and prompts without Telegram: custom phases, dates, baseline B12, button data size."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.texts import EN
from care.regimens import Regimen, Route
from schedules.phases import dose_days
from services.enrol_parse import parse_b12, parse_date, parse_phases
from services.enrol_prompts import prompt
from services.errors import UserError

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_custom_phases_become_a_regimen_that_round_trips() -> None:
    regimen = parse_phases(" 1000 MCG oral daily x14 ;1 mg IM every 2 days x3; 1 mg im monthly ")
    assert regimen.code == "custom" and len(regimen.phases) == 3
    first, second, third = regimen.phases
    assert (first.dose, first.unit, first.route, first.every_days, first.dose_days) == (1000, "mcg", Route.ORAL, 1, 14)
    assert (second.unit, second.route, second.every_days, second.dose_days) == ("mg", Route.IM, 2, 3)
    assert (third.every_months, third.dose_days) == (1, None)
    assert Regimen.from_dict(regimen.to_dict()) == regimen
    days = [d for d, _phase, _start in dose_days(regimen, date(2026, 11, 2))][:18]
    assert days[13] == date(2026, 11, 15) and days[14] == date(2026, 11, 17)  # x14 daily, then every 2 days


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "err_phases_count"),
        ("1000 mcg oral daily x1; " * 5, "err_phases_count"),
        ("1000 mcg oral", "err_phases"),
        ("1000 mcg by mouth daily", "err_phases"),
        ("1000 ug oral daily", "err_phases"),
        ("0 mcg oral daily", "err_regimen"),
        ("1000 mcg oral daily x0", "err_regimen"),
        ("1000 mcg oral daily; 1000 mcg oral weekly", "err_regimen"),  # open-ended first phase
    ],
)
def test_bad_phases_are_refused_with_a_reason(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_phases(text)
    assert caught.value.key == key and key in EN


def test_dates_and_b12() -> None:
    assert parse_date(" 2026-11-09 ") == date(2026, 11, 9)
    for bad in ("2026-02-30", "9.11.2026", "tomorrow", "2026-1-9"):
        with pytest.raises(UserError):
            parse_date(bad)
    assert parse_b12("180 ng/L 2026-10-20", date(2026, 11, 2)) == (180.0, "ng/L", date(2026, 10, 20))
    assert parse_b12("150.5PMOL/L", date(2026, 11, 2)) == (150.5, "pmol/L", None)
    for bad in ("180", "low", "0 ng/L", "180 mg 2026-10-20", "180 ng/L yesterday"):
        with pytest.raises(UserError):
            parse_b12(bad, date(2026, 11, 2))
    with pytest.raises(UserError) as caught:
        parse_b12("180 ng/L 2026-11-03", date(2026, 11, 2))
    assert caught.value.key == "err_b12_future"


def test_every_prompt_key_exists_and_button_data_fits_64_bytes() -> None:
    data = {
        "teams": [[2147483647, "A team with a long name", "America/Argentina/ComodRivadavia"]],
        "team": "A team with a long name",
        "team_tz": "America/Argentina/ComodRivadavia",
        "alias": "MK-17",
        "regimen": parse_phases("1000 mcg oral daily x14; 1000 mcg oral weekly").to_dict(),
        "start": "2026-11-03",
        "tz": "Europe/Berlin",
        "time": "09:00",
        "b12": {"value": 180.0, "unit": "ng/L", "date": None},
    }
    for step in ("team", "alias", "regimen", "dose", "stepdown", "phases", "start", "tz", "time", "b12", "confirm"):
        p = prompt(step, data, NOW)
        assert p.key in EN
        EN[p.key].format(**p.params)
        for choice in p.choices:
            assert len(f"e1:{step}:{choice.value}".encode()) <= 64
            assert not choice.key or choice.key in EN
