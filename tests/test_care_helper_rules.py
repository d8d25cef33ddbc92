"""When the family helper hears of unconfirmed doses (care/helper_rules.py): pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from care.helper_rules import ClosedDose, Run, helper_should_hear, latest_unconfirmed_run

DAY0 = datetime(2026, 10, 6, 7, tzinfo=UTC)


def doses(*statuses: str) -> list[ClosedDose]:
    return [ClosedDose(i + 1, DAY0 + timedelta(days=i), s) for i, s in enumerate(statuses)]


def test_three_unconfirmed_in_a_row_are_told_once_per_run() -> None:
    assert helper_should_hear(doses("taken", "unconfirmed", "unconfirmed"), in_a_row=3) is None
    run = helper_should_hear(doses("taken", "unconfirmed", "unconfirmed", "unconfirmed"), in_a_row=3)
    assert run == Run(first_dose_id=2, length=3)
    longer = helper_should_hear(doses("taken", "unconfirmed", "unconfirmed", "unconfirmed", "unconfirmed"), in_a_row=3)
    assert longer == Run(first_dose_id=2, length=4)  # the same run: the same first dose


def test_an_answer_ends_the_run_and_doses_never_asked_do_not_count() -> None:
    assert latest_unconfirmed_run(doses("unconfirmed", "unconfirmed", "skipped")) is None
    assert latest_unconfirmed_run(doses("unconfirmed", "missed", "unconfirmed", "not_sent")) == Run(1, 2)
    assert helper_should_hear(doses("unconfirmed", "missed", "unconfirmed", "unconfirmed"), in_a_row=3) == Run(1, 3)
    assert latest_unconfirmed_run(doses("unconfirmed", "unconfirmed", "sent")) == Run(1, 2)  # open: not judged
    assert latest_unconfirmed_run([]) is None
