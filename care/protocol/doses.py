"""Reminder timings for doses: nudges, snoozes, the injection delay, the day's edges, schedule changes."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from care.protocol.base import _src


class DoseTiming(BaseModel):
    """Reminder timings for doses (CLINICAL.md, 'Adherence')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    oral_nudge_after_minutes: int = Field(
        120,
        ge=1,
        le=24 * 60,
        json_schema_extra=_src("CLINICAL.md Adherence: oral reminder unanswered after 2 hours gets one nudge"),
    )
    injection_nudge_after_hours: int = Field(
        48,
        ge=1,
        le=24 * 14,
        json_schema_extra=_src("CLINICAL.md Adherence: injection unanswered after 48 hours gets a nudge"),
    )
    injection_unconfirmed_after_days: int = Field(
        7,
        ge=1,
        le=60,
        json_schema_extra=_src("CLINICAL.md Adherence: injection unconfirmed for 7 days is a flag"),
    )
    snooze_minutes: int = Field(
        30, ge=5, le=240, json_schema_extra=_src("CLINICAL.md Adherence: snooze 30 minutes by default")
    )
    max_snoozes: int = Field(
        3, ge=0, le=10, json_schema_extra=_src("CLINICAL.md Adherence: at most 3 snoozes per dose")
    )
    late_window_minutes: int = Field(
        120,
        ge=1,
        le=24 * 60,
        json_schema_extra=_src(
            "Issue 2: a reminder found due after downtime is sent if still useful (within 2 hours), "
            "otherwise recorded as missed; matches the 2-hour nudge interval"
        ),
    )
    late_mark_minutes: int = Field(
        10,
        ge=1,
        le=120,
        json_schema_extra=_src("Operational: a reminder sent this long after its time is marked late"),
    )
    plan_ahead_hours: int = Field(
        48, ge=1, le=24 * 14, json_schema_extra=_src("DESIGN.md: dose events materialised for the next 48 h")
    )
    taken_earlier_within_hours: int = Field(
        12,
        ge=1,
        le=24,
        json_schema_extra=_src(
            "Issue 13 ('Taken earlier, at ...', as in Medisafe/MyTherapy): a time the patient gives for a dose "
            "counts when it is at most this long before its reminder (a once-daily dose's own half day) and "
            "not in the future"
        ),
    )
    change_min_gap_hours: int = Field(
        8,
        ge=1,
        le=23,
        json_schema_extra=_src(
            "Issue 8: a change of reminder time or time zone must not put two doses within 8 hours (else the "
            "patient confirms a transition-day time); rationale: a third of a day keeps two once-daily doses "
            "from being taken as one double dose. A regimen whose own doses are closer (several a day) keeps "
            "its own spacing"
        ),
    )
    change_max_gap_hours: int = Field(
        36,
        ge=25,
        le=72,
        json_schema_extra=_src(
            "Issue 8: a change of reminder time or time zone must not leave a gap over 36 hours between doses "
            "(else the patient confirms a transition-day time); rationale: a once-daily dose at most half a day "
            "late. For doses normally further apart (weekly, monthly) the same lateness, 36 - 24 = 12 hours, "
            "is added to the regimen's own interval"
        ),
    )

    @property
    def oral_nudge_after(self) -> timedelta:
        return timedelta(minutes=self.oral_nudge_after_minutes)

    @property
    def injection_nudge_after(self) -> timedelta:
        return timedelta(hours=self.injection_nudge_after_hours)

    @property
    def injection_unconfirmed_after(self) -> timedelta:
        return timedelta(days=self.injection_unconfirmed_after_days)

    @property
    def snooze(self) -> timedelta:
        return timedelta(minutes=self.snooze_minutes)

    @property
    def late_window(self) -> timedelta:
        return timedelta(minutes=self.late_window_minutes)

    @property
    def late_mark(self) -> timedelta:
        return timedelta(minutes=self.late_mark_minutes)

    @property
    def plan_ahead(self) -> timedelta:
        return timedelta(hours=self.plan_ahead_hours)

    @property
    def taken_earlier_within(self) -> timedelta:
        return timedelta(hours=self.taken_earlier_within_hours)

    @property
    def change_min_gap(self) -> timedelta:
        return timedelta(hours=self.change_min_gap_hours)

    @property
    def change_max_gap(self) -> timedelta:
        return timedelta(hours=self.change_max_gap_hours)
