"""Urgent alerts nobody owns: when they escalate and when they go stale."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from care.protocol.base import _src


class Alerts(BaseModel):
    """Urgent alerts nobody owns (issue 14, 'Urgent alerts escalate until someone owns them')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    escalate_after_minutes: int = Field(
        60,
        ge=5,
        le=24 * 60,
        json_schema_extra=_src(
            "Issue 14: an urgent flag not acknowledged or assigned within 60 minutes of being raised inside the "
            "team's reading hours (or of the next opening when raised outside them) is posted again to the "
            "alert group and to every active member privately, once. Not a CLINICAL.md figure: agree it with "
            "the clinic"
        ),
    )
    escalate_stale_after_days: int = Field(
        7,
        ge=1,
        le=60,
        json_schema_extra=_src(
            "Operational: an escalation whose moment passed more than 7 days ago (a long outage, or flags "
            "older than escalation itself found on upgrade) is not sent; the daily digests have listed the flag"
        ),
    )

    @property
    def escalate_after(self) -> timedelta:
        return timedelta(minutes=self.escalate_after_minutes)

    @property
    def escalate_stale_after(self) -> timedelta:
        return timedelta(days=self.escalate_stale_after_days)
