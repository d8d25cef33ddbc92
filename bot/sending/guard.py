"""Sending in slices so that a shutdown stops between slices, and counting what each send became."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Services
from schedules.dispatch import SLICE  # sends in flight at once: a shutdown waits for at most one slice
from schedules.jobs import Deliver, Job, Outcome, Retry


def guarded(deliver: Deliver, services: Services, *, size: int = SLICE) -> Deliver:
    """Deliver `size` jobs at a time; once stopping, give the rest back (pending, due at once) unsent."""

    async def run(jobs: Sequence[Job]) -> Sequence[Outcome]:
        outcomes: list[Outcome] = []
        for start in range(0, len(jobs), size):
            part = jobs[start : start + size]
            if services.stopping.is_set():
                outcomes.extend(Retry(0.0, error="not sent: shutting down") for _ in part)
            else:
                outcomes.extend(await deliver(part))
        services.telemetry.count_outcomes(jobs, outcomes)
        return outcomes

    return run
