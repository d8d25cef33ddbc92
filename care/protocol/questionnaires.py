"""The weekly questionnaire: cadence, reminders, expiry and scoring."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from care.protocol.base import _src


class Questionnaires(BaseModel):
    """Cadence and scoring of the weekly questionnaire (CLINICAL.md 'Weekly questionnaire')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pgic_from_week: int = Field(
        2,
        ge=1,
        le=52,
        json_schema_extra=_src(
            "CLINICAL.md Weekly questionnaire: PGIC (Patient Global Impression of Change) from week 2"
        ),
    )
    mnsi_weeks: tuple[int, ...] = Field(
        (6, 12, 24),
        max_length=20,
        json_schema_extra=_src(
            "CLINICAL.md Weekly questionnaire: MNSI patient questionnaire at baseline, week 6, week 12, week 24"
        ),
    )
    mnsi_abnormal_at_least: int = Field(
        4,
        ge=1,
        le=13,
        json_schema_extra=_src(
            "CLINICAL.md MNSI: total >= 4 abnormal (>= 7 in the original paper, Feldman 1994; PhenX 140401)"
        ),
    )
    expire_after_days: int = Field(
        3,
        ge=1,
        le=7,
        json_schema_extra=_src("CLINICAL.md Weekly questionnaire: a questionnaire expires 3 days after it is sent"),
    )
    missed_in_a_row: int = Field(
        2, ge=1, le=10, json_schema_extra=_src("CLINICAL.md Weekly questionnaire: two missed in a row is a flag")
    )
    active_within_minutes: int = Field(
        15,
        ge=1,
        le=240,
        json_schema_extra=_src(
            "CLINICAL.md: dose reminders wait while a questionnaire is in progress; 'in progress' means an "
            "answer (or the questionnaire itself) arrived within this many minutes, so an abandoned "
            "questionnaire never holds a reminder back past its 2-hour late window"
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Questionnaires:
        if any(w < 1 for w in self.mnsi_weeks) or list(self.mnsi_weeks) != sorted(set(self.mnsi_weeks)):
            raise ValueError("questionnaires.mnsi_weeks must be distinct weeks >= 1 in ascending order")
        return self

    @property
    def expire_after(self) -> timedelta:
        return timedelta(days=self.expire_after_days)

    @property
    def active_within(self) -> timedelta:
        return timedelta(minutes=self.active_within_minutes)
