"""Adherence over 14 days and unanswered injections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from care.adherence import DoseRecord, adherence_summary, overdue_injections
from care.protocol import default_protocol

P = default_protocol()
START = datetime(2025, 3, 3, 7, tzinfo=UTC)
DAY = timedelta(days=1)


def daily(statuses: list[str], first: datetime, injection: bool = False) -> list[DoseRecord]:
    return [DoseRecord(f"d{i}", first + i * DAY, s, injection) for i, s in enumerate(statuses)]


@pytest.mark.parametrize(
    ("taken", "other", "low"),
    [(14, "unconfirmed", False), (12, "missed", False), (11, "unconfirmed", True), (0, "missed", True)],
)
def test_fewer_than_80_percent_taken_is_low(taken: int, other: str, low: bool) -> None:
    doses = daily(["taken"] * taken + [other] * (14 - taken), START)
    a = adherence_summary(doses, START + 14 * DAY, START, P.adherence)
    assert (a.due, a.taken, a.low, a.judged) == (14, taken, low, True)
    assert a.fraction == pytest.approx(taken / 14)


@pytest.mark.parametrize(("taken", "low"), [(8, False), (7, True)])
def test_exactly_80_percent_is_not_low(taken: int, low: bool) -> None:
    statuses = ["taken"] * taken + ["unconfirmed"] * (10 - taken)
    doses = [DoseRecord(f"d{i}", START + 4 * DAY + i * DAY, s) for i, s in enumerate(statuses)]
    assert adherence_summary(doses, START + 14 * DAY, START, P.adherence).low is low


def test_skipped_is_not_taken_and_pending_is_left_out() -> None:
    doses = daily(["taken"] * 10 + ["skipped"] * 3 + ["pending"], START)
    a = adherence_summary(doses, START + 14 * DAY, START, P.adherence)
    assert (a.due, a.taken, a.skipped, a.low) == (13, 10, 3, True)


def test_only_the_last_14_days_count() -> None:
    doses = daily(["missed"] * 10 + ["taken"] * 14, START)
    now = START + 24 * DAY
    a = adherence_summary(doses, now, START, P.adherence)
    assert (a.window_start, a.due, a.taken, a.low) == (now - 14 * DAY, 14, 14, False)
    assert a.block_start == START + 14 * DAY


def test_not_judged_before_a_full_window() -> None:
    doses = daily(["missed"] * 13, START)
    early = adherence_summary(doses, START + 13 * DAY + timedelta(hours=23), START, P.adherence)
    assert (early.judged, early.low, early.window_start, early.block_start) == (False, False, START, START)
    full = adherence_summary(doses, START + 14 * DAY, START, P.adherence)
    assert (full.judged, full.low, full.block_start) == (True, True, START + 14 * DAY)


def test_nothing_due_has_no_fraction() -> None:
    a = adherence_summary([], START + 20 * DAY, START, P.adherence)
    assert (a.due, a.fraction, a.low) == (0, None, False)


@pytest.mark.parametrize(
    ("status", "age", "flagged"),
    [
        ("unconfirmed", timedelta(days=7), True),
        ("unconfirmed", timedelta(days=7) - timedelta(seconds=1), False),
        ("missed", timedelta(days=9), True),
        ("pending", timedelta(days=8), True),
        ("taken", timedelta(days=9), False),
        ("skipped", timedelta(days=9), False),  # answered "not given": not unconfirmed
    ],
)
def test_injection_unanswered_for_7_days(status: str, age: timedelta, flagged: bool) -> None:
    now = START + 30 * DAY
    injection = DoseRecord("i1", now - age, status, injection=True)
    oral = DoseRecord("o1", now - age, status)
    assert overdue_injections([injection, oral], now, P.doses) == ((injection,) if flagged else ())


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="unknown dose status"):
        DoseRecord("x", START, "taken_late")
    with pytest.raises(ValueError, match="before the therapy start"):
        adherence_summary([], START - DAY, START, P.adherence)


def test_skipped_doses_are_counted_by_the_reason_given() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    doses = [
        DoseRecord("a", start + timedelta(days=1), "skipped", skip_reason="side_effects"),
        DoseRecord("b", start + timedelta(days=2), "skipped", skip_reason="side_effects"),
        DoseRecord("c", start + timedelta(days=3), "skipped"),
        DoseRecord("d", start + timedelta(days=4), "taken", taken_at=start + timedelta(days=4, hours=-1)),
    ]
    summary = adherence_summary(doses, start + timedelta(days=15), start, P.adherence)
    assert summary.skipped == 3 and summary.taken == 1
    assert summary.skipped_for == (("side_effects", 2), ("unsaid", 1))
