"""What this process measured about itself, for /healthz and /metrics. Plain data, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from schedules.jobs import Blocked, Failed, Job, Outcome, Retry, Sent, Skipped

TICK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
OUTCOME_NAMES: dict[type, str] = {Sent: "sent", Blocked: "blocked", Failed: "failed", Retry: "retry", Skipped: "skip"}


@dataclass
class Histogram:
    buckets: tuple[float, ...] = TICK_BUCKETS
    counts: list[int] = field(default_factory=lambda: [0] * len(TICK_BUCKETS))
    total: int = 0
    sum: float = 0.0

    def observe(self, value: float) -> None:
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += 1
        self.total += 1
        self.sum += value


@dataclass
class Telemetry:
    started_at: datetime | None = None
    last_tick_at: datetime | None = None
    tick_seconds: Histogram = field(default_factory=Histogram)
    messages: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, outcome) -> count

    def tick_done(self, at: datetime, seconds: float) -> None:
        self.last_tick_at = at
        self.tick_seconds.observe(seconds)

    def count_outcomes(self, jobs: Sequence[Job], outcomes: Sequence[Outcome]) -> None:
        for job, outcome in zip(jobs, outcomes, strict=True):
            key = (job.kind, OUTCOME_NAMES.get(type(outcome), "other"))
            self.messages[key] = self.messages.get(key, 0) + 1
