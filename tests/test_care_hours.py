"""care.hours: a team's reading hours, parsed and asked about at given moments (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from care.hours import HoursError, is_open, next_open, parse_hours

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Mon-Fri 08:00-17:00", "Mon-Fri 08:00-17:00"),
        ("mon-fri 8:00 - 17:00", "Mon-Fri 08:00-17:00"),
        ("Mon,Wed,Fri 09:00-12:00; Sat 10:00-11:00", "Mon,Wed,Fri 09:00-12:00; Sat 10:00-11:00"),
        ("daily 00:00-24:00", "daily 00:00-24:00"),
        ("Fri-Mon 08:00-09:00", "Mon,Fri-Sun 08:00-09:00"),
        ("Monday-Friday 07:30-16:00", "Mon-Fri 07:30-16:00"),
    ],
)
def test_parse_gives_a_canonical_text(text: str, canonical: str) -> None:
    assert parse_hours(text).text() == canonical


@pytest.mark.parametrize(
    "text", ["", "always", "Mon-Fri", "Mon-Fri 17:00-08:00", "Mon-Fri 08:00-25:00", "Xyz 08:00-09:00", "Mo 8:00-9:00"]
)
def test_bad_text_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(HoursError, match=r"\w"):
        parse_hours(text)


def test_open_and_next_open_across_a_weekend() -> None:
    hours = parse_hours("Mon-Fri 08:00-17:00")
    friday_noon = datetime(2026, 12, 4, 11, tzinfo=UTC)  # 12:00 in Berlin
    assert is_open(hours, friday_noon, BERLIN)
    assert next_open(hours, friday_noon, BERLIN) == friday_noon
    friday_evening = datetime(2026, 12, 4, 17, tzinfo=UTC)  # 18:00 in Berlin
    assert not is_open(hours, friday_evening, BERLIN)
    assert next_open(hours, friday_evening, BERLIN) == datetime(2026, 12, 7, 7, tzinfo=UTC)  # Monday 08:00


def test_next_open_follows_the_clock_change() -> None:
    hours = parse_hours("daily 08:00-17:00")
    saturday_night = datetime(2027, 3, 27, 20, tzinfo=UTC)  # Berlin moves to CEST that night
    assert next_open(hours, saturday_night, BERLIN) == datetime(2027, 3, 28, 6, tzinfo=UTC)


def test_no_hours_means_always_reading() -> None:
    at = datetime(2026, 12, 5, 3, tzinfo=UTC)
    assert is_open(None, at, BERLIN) and next_open(None, at, BERLIN) == at
