"""What the dispatcher hands to the sender, and what the sender reports back. Plain data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class DoseView:
    id: int
    route: str
    phase: dict[str, Any]
    phase_start: bool
    local_date: date
    snoozes: int


@dataclass(frozen=True)
class Job:
    outbox_id: int
    kind: str  # dose_reminder dose_nudge dose_snooze dose_close notice
    chat_id: int
    due_at: datetime
    late: bool
    uncertain: bool
    patient_id: int | None = None
    language: str = "en"
    timezone: str = "UTC"
    payload: dict[str, Any] = field(default_factory=dict)
    dose: DoseView | None = None
    reply_to: int | None = None
    edits: tuple[int | None, ...] = ()  # dose_close: the reminder and its nudge, edited instead of a new message


@dataclass(frozen=True)
class Sent:
    message_id: int


@dataclass(frozen=True)
class Blocked:
    """The chat refused the bot (blocked, removed from a group, gone); `moved_to`: the group's new id
    when Telegram answered that it became a supergroup (migrate_to_chat_id)."""

    reason: str = "blocked"
    moved_to: int | None = None


@dataclass(frozen=True)
class Failed:
    error: str


@dataclass(frozen=True)
class Retry:
    after_seconds: float
    uncertain: bool = False
    error: str = ""


@dataclass(frozen=True)
class Skipped:
    """Nothing to send, by design (e.g. an empty digest the team asked not to get): recorded as dropped."""

    reason: str


Outcome = Sent | Blocked | Failed | Retry | Skipped
Deliver = Callable[[Sequence[Job]], Awaitable[Sequence[Outcome]]]
