"""Dose adherence: the window and the low-adherence threshold."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from care.protocol.base import _src


class Adherence(BaseModel):
    """Dose adherence (CLINICAL.md 'Adherence'); the injection delay lives in `DoseTiming`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(
        14, ge=1, le=90, json_schema_extra=_src("CLINICAL.md Adherence: doses confirmed over 14 days")
    )
    low_below_pct: int = Field(
        80,
        ge=1,
        le=100,
        json_schema_extra=_src(
            "CLINICAL.md Adherence: fewer than 80% of doses confirmed over 14 days is a warning flag"
        ),
    )

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.window_days)
