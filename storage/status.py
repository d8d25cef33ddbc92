"""The states a row can be in, one enum per table, instead of bare strings (the columns stay strings: a
StrEnum is a str, so rows, JSON and SQL compare and store them unchanged)."""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    """pending → claimed → sending → sent; or dropped (not needed any more), failed, expired (too late)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    DROPPED = "dropped"
    FAILED = "failed"
    EXPIRED = "expired"


class DoseStatus(StrEnum):
    PLANNED = "planned"
    SENT = "sent"
    SNOOZED = "snoozed"
    TAKEN = "taken"
    SKIPPED = "skipped"
    UNCONFIRMED = "unconfirmed"
    MISSED = "missed"
    NOT_SENT = "not_sent"


class PatientStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    DECLINED = "declined"
    DISCHARGED = "discharged"
    ERASED = "erased"


class QuestionnaireStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    COMPLETED = "completed"
    EXPIRED = "expired"
    NOT_SENT = "not_sent"


ENROLLED = (PatientStatus.ACTIVE, PatientStatus.PAUSED)
