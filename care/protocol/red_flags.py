"""The red-flag screen's advice: the crisis line."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from care.protocol.base import _src


class RedFlags(BaseModel):
    """The red-flag screen's advice (CLINICAL.md 'Red flags'); the item -> advice table is care/red_flags.py."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    crisis_line: str | None = Field(
        None,
        min_length=3,
        max_length=120,
        json_schema_extra=_src(
            "CLINICAL.md Red flags item 5: for thoughts of self-harm also a crisis line where the team's protocol "
            'file names one (e.g. "988" in the US, "Samaritans 116 123" in the UK); none by default'
        ),
    )
