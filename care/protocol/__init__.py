"""The clinical protocol's numbers: every threshold and timing has one home here, a name and a source.

Defaults follow ../shared/CLINICAL.md. A deployment may override any of them with a TOML file
(see `load_protocol`); unknown keys or bad values stop start-up with a message naming the key.

The sections live by topic in this package (doses, b6, questionnaires, verdicts, adherence, alerts,
conversation, helper, red_flags); this module assembles them into `Protocol` and loads the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from care.protocol.adherence import Adherence
from care.protocol.alerts import Alerts
from care.protocol.b6 import B6Thresholds, DoseRange
from care.protocol.conversation import NOT_REVIEWED, RED_FLAG_WORDS, Conversation
from care.protocol.doses import DoseTiming
from care.protocol.helper import Helper
from care.protocol.questionnaires import Questionnaires
from care.protocol.red_flags import RedFlags
from care.protocol.verdicts import Verdicts

__all__ = [
    "NOT_REVIEWED",
    "RED_FLAG_WORDS",
    "Adherence",
    "Alerts",
    "B6Thresholds",
    "Conversation",
    "DoseRange",
    "DoseTiming",
    "Helper",
    "Protocol",
    "ProtocolError",
    "Questionnaires",
    "RedFlags",
    "Verdicts",
    "default_protocol",
    "load_protocol",
    "sources",
]


class Protocol(BaseModel):
    """All protocol settings. Sections are added per topic; each field names its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doses: DoseTiming = Field(default_factory=DoseTiming)
    b6: B6Thresholds = Field(default_factory=B6Thresholds)
    questionnaires: Questionnaires = Field(default_factory=Questionnaires)
    verdicts: Verdicts = Field(default_factory=Verdicts)
    adherence: Adherence = Field(default_factory=Adherence)
    alerts: Alerts = Field(default_factory=Alerts)
    conversation: Conversation = Field(default_factory=Conversation)
    helper: Helper = Field(default_factory=Helper)
    red_flags: RedFlags = Field(default_factory=RedFlags)

    @model_validator(mode="after")
    def _check(self) -> Protocol:
        if self.verdicts.early_week < self.questionnaires.pgic_from_week:
            raise ValueError(
                f"verdicts.early_week ({self.verdicts.early_week}) must not come before "
                f"questionnaires.pgic_from_week ({self.questionnaires.pgic_from_week}): verdicts need the PGIC"
            )
        return self


class ProtocolError(ValueError):
    """A protocol file that cannot be used; the message names the file and the bad key."""


def default_protocol() -> Protocol:
    return Protocol()


def load_protocol(path: Path | None) -> Protocol:
    """Defaults, overridden by the TOML file at `path` when given. Fails fast with a clear message."""
    if path is None:
        return Protocol()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProtocolError(f"protocol file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"protocol file {path} is not valid TOML: {exc}") from exc
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ProtocolError(f"protocol file {path}: {problems}") from exc


def sources(model: BaseModel | None = None, prefix: str = "") -> dict[str, str]:
    """Every setting's dotted name and its source, for documentation and tests."""
    model = model or Protocol()
    out: dict[str, str] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            out.update(sources(value, key + "."))
        else:
            extra = field.json_schema_extra
            out[key] = str(extra.get("source", "")) if isinstance(extra, dict) else ""
    return out
