"""The tables. Times are UTC; people's time zones are IANA names. Telegram ids are 64-bit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint, func, literal_column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _utc(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    timezone: str = Field(max_length=64)
    digest_time: str = Field(default="08:00", max_length=5)
    language: str = Field(default="en", max_length=8)
    alert_chat_id: int | None = Field(default=None, sa_type=BigInteger)  # the team's group, once set
    hours: str | None = Field(default=None, max_length=120)  # when the team reads messages (care.hours)
    # a day with nothing to report: "short" (one "nothing new" line) or "quiet" (no digest at all)
    empty_digest: str = Field(default="short", max_length=8, sa_column_kwargs={"server_default": "short"})
    created_at: datetime = _utc()


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("team_id", "telegram_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    telegram_user_id: int = Field(sa_type=BigInteger, index=True)
    role: str = Field(default="clinician", max_length=20)  # clinician | admin (may remove members)
    active: bool = True  # False: removed (`b12bot team remove-member`, or an admin's Remove button)
    joined_at: datetime = _utc()
    username: str | None = Field(default=None, max_length=32)  # the Telegram @username, as last seen


class Invite(SQLModel, table=True):
    """A one-time link. Only a hash of the token is kept."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # member | patient
    token_hash: str = Field(unique=True, max_length=64)
    team_id: int = Field(foreign_key="team.id", index=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    created_by: str = Field(max_length=40)
    created_at: datetime = _utc()
    expires_at: datetime = _utc()
    opened_chat_id: int | None = Field(default=None, sa_type=BigInteger, index=True)  # who opened it (erasure)
    used_at: datetime | None = _utc(nullable=True)
    outcome: str | None = Field(default=None, max_length=20)  # joined | consented | declined


class Patient(SQLModel, table=True):
    """A pseudonymous patient: an alias, never a name."""

    __table_args__ = (
        UniqueConstraint("team_id", "alias"),
        # FHIR file names are <alias>.json: MK-17 and mk-17 would collide on a case-insensitive disk
        Index("uq_patient_team_alias_ci", "team_id", func.lower(literal_column("alias")), unique=True),
        Index("ix_patient_planning", "status", "planned_until"),
        Index("ix_patient_review", "status", "reviewed_at"),
        Index("ix_patient_start", "team_id", "therapy_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    alias: str = Field(max_length=40)
    status: str = Field(default="invited", max_length=12)  # invited active paused stopped declined
    chat_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    reachable: bool = True
    timezone: str = Field(max_length=64)
    reminder_time: str = Field(max_length=5)
    regimen_code: str = Field(max_length=40)
    regimen: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    therapy_start: date
    language: str = Field(default="en", max_length=8)
    baseline_b12_value: float | None = None
    baseline_b12_unit: str | None = Field(default=None, max_length=10)
    baseline_b12_date: date | None = None
    created_at: datetime = _utc()
    consented_at: datetime | None = _utc(nullable=True)
    stopped_at: datetime | None = _utc(nullable=True)
    unreachable_at: datetime | None = _utc(nullable=True)
    planned_until: datetime | None = _utc(nullable=True)
    reviewed_at: datetime | None = _utc(nullable=True)  # last daily adherence review
    erased_at: datetime | None = _utc(nullable=True)  # /delete_my_data: personal and health data removed


class DoseEvent(SQLModel, table=True):
    """One dose due at one instant: the clinical record of a reminder and its answer."""

    __tablename__ = "dose_event"
    __table_args__ = (
        UniqueConstraint("patient_id", "due_at"),
        Index("ix_dose_open", "status", "closes_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    due_at: datetime = _utc()
    local_date: date
    phase_index: int = 0
    phase_start: bool = False
    slot: int = 0
    route: str = Field(max_length=8)
    status: str = Field(default="planned", max_length=12)
    # planned sent snoozed taken skipped unconfirmed missed not_sent
    late: bool = False
    snoozes: int = 0
    sent_at: datetime | None = _utc(nullable=True)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    nudge_message_id: int | None = Field(default=None, sa_type=BigInteger)
    answered_at: datetime | None = _utc(nullable=True)
    closes_at: datetime = _utc()
    note: str | None = Field(default=None, max_length=40)
    timezone: str | None = Field(default=None, max_length=64)  # the patient's zone when planned (None: theirs now)
    taken_at: datetime | None = _utc(nullable=True)  # when taken, as the patient said ("earlier, at ..."), or the tap
    skip_reason: str | None = Field(default=None, max_length=20)  # forgot side_effects ran_out other


class Outbox(SQLModel, table=True):
    """Every message the bot sends on its own: claimed, sent and recorded once."""

    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    dedupe_key: str = Field(unique=True, max_length=80)
    chat_id: int = Field(sa_type=BigInteger)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    ref_id: int | None = None
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    due_at: datetime = _utc()
    status: str = Field(default="pending", max_length=10)
    # pending claimed sending sent dropped failed expired
    attempts: int = 0
    uncertain: bool = False
    late: bool = False
    claimed_by: str | None = Field(default=None, max_length=40)
    claimed_at: datetime | None = _utc(nullable=True)
    sent_at: datetime | None = _utc(nullable=True)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    error: str | None = Field(default=None, max_length=200)
    created_at: datetime = _utc()


class InboxUpdate(SQLModel, table=True):
    """Every update from Telegram, stored before it is confirmed, processed once."""

    __tablename__ = "inbox_update"
    __table_args__ = (
        Index("ix_inbox_pending", "processed_at", "update_id"),
        Index("ix_inbox_sender", "user_id", "received_at"),  # a stranger's updates lately; erasure by sender
        Index("ix_inbox_chat", "chat_id"),  # erasure by chat
    )
    update_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime = _utc()
    chat_id: int | None = Field(default=None, sa_type=BigInteger)  # the update's chat; cleared by erasure
    user_id: int | None = Field(default=None, sa_type=BigInteger)  # its sender; cleared by erasure
    processed_at: datetime | None = _utc(nullable=True)
    error: str | None = Field(default=None, max_length=200)


class AuditEvent(SQLModel, table=True):
    """Who did what, when. Append-only: the code never updates or deletes these rows.

    Tamper-evident: `row_hash` is sha256 of `prev_hash` and the row's canonical content (storage.audit).
    """

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    actor: str = Field(max_length=40)
    action: str = Field(max_length=40)
    subject: str | None = Field(default=None, max_length=40)
    outcome: str = Field(default="ok", max_length=10)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    prev_hash: str = Field(default="", max_length=64)
    row_hash: str = Field(default="", max_length=64)


class Questionnaire(SQLModel, table=True):
    """One baseline or weekly questionnaire: its answers so far and where it stands.

    The answers are a map item key -> answer, so an item can never hold two answers; `version`
    guards concurrent presses (optimistic locking). The next item is derived from the answers.
    """

    __table_args__ = (UniqueConstraint("patient_id", "week"), Index("ix_questionnaire_open", "status", "expires_at"))
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: str = Field(max_length=10)  # baseline | weekly
    week: int  # 0 = baseline
    due_at: datetime = _utc()
    status: str = Field(default="planned", max_length=12)  # planned in_progress paused completed expired not_sent
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # the choices tapped so far on a multiple-choice item, before Done
    draft: list[str] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    version: int = 0
    sent_at: datetime | None = _utc(nullable=True)
    expires_at: datetime | None = _utc(nullable=True)
    last_answer_at: datetime | None = _utc(nullable=True)
    completed_at: datetime | None = _utc(nullable=True)
    message_id: int | None = Field(default=None, sa_type=BigInteger)  # the message showing the current item
    score: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))


class Flag(SQLModel, table=True):
    """A finding for the care team, raised once per (patient, kind, episode)."""

    __table_args__ = (UniqueConstraint("patient_id", "kind", "episode"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: str = Field(max_length=30)
    severity: str = Field(max_length=10)  # info warning urgent
    episode: str = Field(max_length=80)
    summary_key: str = Field(max_length=80)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    raised_at: datetime = _utc(index=True)
    acknowledged_at: datetime | None = _utc(nullable=True)
    acknowledged_by: int | None = Field(default=None, sa_type=BigInteger)  # Telegram user id of a member
    assigned_to: int | None = Field(default=None, sa_type=BigInteger)  # Telegram user id of a member
    digested_at: datetime | None = _utc(nullable=True)  # first shown in a daily digest
    escalated_at: datetime | None = _utc(nullable=True)  # urgent and unowned: posted again, once


class Dialogue(SQLModel, table=True):
    """A guided conversation in progress (e.g. /enrol): its step and answers so far, per chat and user.

    Kept in the database so it survives restarts and works with several processes.
    """

    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    user_id: int = Field(sa_type=BigInteger)
    kind: str = Field(max_length=20)
    step: str = Field(max_length=30)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _utc()


class PatientMessage(SQLModel, table=True):
    """A free-text message between a care team and a patient (issue 14), kept like an answer (docs/data.md).

    direction "to_patient": written by the member `member_user_id` (/msg or Message patient);
    "from_patient": the patient's own text, relayed to the team. The text is never logged.
    """

    __tablename__ = "patient_message"
    __table_args__ = (Index("ix_patient_message_thread", "patient_id", "direction", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    direction: str = Field(max_length=12)  # to_patient | from_patient
    member_user_id: int | None = Field(default=None, sa_type=BigInteger)  # the writer (to_patient)
    text: str = Field(max_length=4096)
    red_flag_words: bool = False  # the patient's text held words of the red-flag list (screen shown)
    update_id: int | None = Field(default=None, sa_type=BigInteger)  # the member's update: blanked on erasure
    status: str = Field(default="queued", max_length=12)  # queued sent undelivered
    created_at: datetime = _utc()
    sent_at: datetime | None = _utc(nullable=True)


class HelperLink(SQLModel, table=True):
    """A family helper of one patient (issue 14): told of unconfirmed doses and red flags, never of answers.

    The link's token is an `invite` row (kind "helper", only its hash kept). status: invited (the patient
    agreed and has a link), active (the helper agreed too), declined, removed (by the patient), stopped
    (by the helper), blocked (the helper blocked the bot), expired (a newer link replaced it).
    """

    __tablename__ = "helper_link"
    __table_args__ = (Index("ix_helper_link_patient", "patient_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    invite_id: int | None = Field(default=None, foreign_key="invite.id")
    status: str = Field(default="invited", max_length=12)
    helper_chat_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    language: str = Field(default="en", max_length=8)  # the helper's
    created_at: datetime = _utc()  # the patient's consent (/helper, then Create the link)
    consented_at: datetime | None = _utc(nullable=True)  # the helper's consent
    ended_at: datetime | None = _utc(nullable=True)
