"""When a family helper is told about doses: a run of doses in a row left unconfirmed. Pure.

A dose counts once it is closed: "unconfirmed" (the reminder went unanswered to the end of its day,
CLINICAL.md Adherence) adds to the run; "taken" and "skipped" (for an injection: "given", "not given")
are answers and end it; a dose "missed" while the bot was down, or "not_sent" while paused, was never
asked, so it neither counts nor ends the run. Doses still open (planned, sent, snoozed) are not judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

ANSWERED = frozenset({"taken", "skipped"})
UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class ClosedDose:
    dose_id: int
    due_at: datetime
    status: str


@dataclass(frozen=True)
class Run:
    """The latest run of unconfirmed doses: its first dose (names the run: one notice per run) and length."""

    first_dose_id: int
    length: int


def latest_unconfirmed_run(doses: Sequence[ClosedDose]) -> Run | None:
    """The run of unconfirmed doses that ends with the latest judged dose, or None."""
    run: list[ClosedDose] = []
    for dose in sorted(doses, key=lambda d: (d.due_at, d.dose_id), reverse=True):
        if dose.status == UNCONFIRMED:
            run.append(dose)
        elif dose.status in ANSWERED:
            break
    return Run(run[-1].dose_id, len(run)) if run else None


def helper_should_hear(doses: Sequence[ClosedDose], *, in_a_row: int) -> Run | None:
    """The run to tell the helper about, once it is `in_a_row` long (protocol `helper.unconfirmed_in_a_row`)."""
    run = latest_unconfirmed_run(doses)
    return run if run is not None and run.length >= in_a_row else None
