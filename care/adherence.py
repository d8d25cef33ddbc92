"""Dose adherence (CLINICAL.md 'Adherence').

Statuses: taken, skipped, unconfirmed, missed, pending. "Pending" (not yet due, or due today and not
yet answered) is left out. Every other dose due in the window counts in the denominator; only
"taken" counts as confirmed. "Skipped" is the patient saying the dose was not taken: it counts as not
taken (it is not "confirmed taken"), and it is reported separately from unconfirmed and missed doses,
so the team can tell a patient who answers and skips from one who does not answer. Oral doses and
injections count alike.

The window is the last `window_days` (14) days before `now`, cut at the therapy start. It is judged
only once a full window has passed since the therapy start, and at most once per block: blocks are
the consecutive `window_days` periods from the therapy start, so a persisting low adherence raises
one flag per block, not one per evaluation.

Injections: an injection whose dose is not answered (unconfirmed, missed, or still pending) when
`injection_unconfirmed_after_days` (7) have passed since it was due is flagged, once per dose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from care.protocol import Adherence, DoseTiming

DOSE_STATUSES = frozenset({"taken", "skipped", "unconfirmed", "missed", "pending"})
UNANSWERED = frozenset({"unconfirmed", "missed", "pending"})


@dataclass(frozen=True)
class DoseRecord:
    dose_id: str
    due_at: datetime
    status: str
    injection: bool = False
    taken_at: datetime | None = None  # taken: when, as the patient said ("Taken earlier, at ...") or the tap
    skip_reason: str | None = None  # skipped: forgot side_effects ran_out other, when the patient said

    def __post_init__(self) -> None:
        if self.status not in DOSE_STATUSES:
            raise ValueError(f"unknown dose status {self.status!r}; one of {sorted(DOSE_STATUSES)}")


@dataclass(frozen=True)
class AdherenceSummary:
    window_start: datetime
    window_end: datetime  # now (exclusive)
    block_start: datetime  # the start of the window_days block `now` falls in: the flag's episode
    due: int  # doses counted (not pending)
    taken: int
    skipped: int
    unconfirmed: int
    missed: int
    fraction: float | None  # taken / due; None when nothing was due
    judged: bool  # a full window has passed since the therapy start
    low: bool  # judged, doses due, and fewer than low_below_pct % taken
    skipped_for: tuple[tuple[str, int], ...] = ()  # skipped doses by the reason given ("unsaid" for none)


def adherence_summary(
    doses: Iterable[DoseRecord], now: datetime, therapy_start: datetime, adherence: Adherence
) -> AdherenceSummary:
    if now < therapy_start:
        raise ValueError("now is before the therapy start")
    blocks = (now - therapy_start) // adherence.window
    start = max(now - adherence.window, therapy_start)
    counts = dict.fromkeys(DOSE_STATUSES, 0)
    reasons: dict[str, int] = {}
    for dose in doses:
        if start <= dose.due_at < now:
            counts[dose.status] += 1
            if dose.status == "skipped":
                reasons[dose.skip_reason or "unsaid"] = reasons.get(dose.skip_reason or "unsaid", 0) + 1
    due = sum(n for status, n in counts.items() if status != "pending")
    judged = blocks >= 1
    return AdherenceSummary(
        window_start=start,
        window_end=now,
        block_start=therapy_start + blocks * adherence.window,
        due=due,
        taken=counts["taken"],
        skipped=counts["skipped"],
        unconfirmed=counts["unconfirmed"],
        missed=counts["missed"],
        fraction=counts["taken"] / due if due else None,
        judged=judged,
        low=judged and due > 0 and 100 * counts["taken"] < adherence.low_below_pct * due,
        skipped_for=tuple(sorted(reasons.items())),
    )


def overdue_injections(doses: Iterable[DoseRecord], now: datetime, timing: DoseTiming) -> tuple[DoseRecord, ...]:
    """Injections still unanswered `injection_unconfirmed_after_days` after they were due."""
    return tuple(
        d
        for d in doses
        if d.injection and d.status in UNANSWERED and now - d.due_at >= timing.injection_unconfirmed_after
    )
