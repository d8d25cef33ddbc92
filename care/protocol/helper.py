"""The family helper a patient may invite: when the helper is told of unconfirmed doses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from care.protocol.base import _src


class Helper(BaseModel):
    """The family helper a patient may invite (issue 14, 'A helper at home')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unconfirmed_in_a_row: int = Field(
        3,
        ge=1,
        le=30,
        json_schema_extra=_src(
            "Issue 14 (after Medisafe's 'Medfriend'): the helper is told when 3 doses in a row are unconfirmed "
            "(CLINICAL.md Adherence: a reminder unanswered by the end of its local day); a skipped dose is an "
            "answer and ends the run. Not a CLINICAL.md figure: agree it with the clinic"
        ),
    )
