"""The clinical protocol's numbers: every threshold and timing has one home here, a name and a source.

Defaults follow ../shared/CLINICAL.md. A deployment may override any of them with a TOML file
(see `load_protocol`); unknown keys or bad values stop start-up with a message naming the key.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


def _src(source: str) -> Any:
    """Field metadata: where the default comes from."""
    return {"source": source}


class DoseTiming(BaseModel):
    """Reminder timings for doses (CLINICAL.md, 'Adherence')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    oral_nudge_after_minutes: int = Field(
        120, ge=1, le=24 * 60,
        json_schema_extra=_src("CLINICAL.md Adherence: oral reminder unanswered after 2 hours gets one nudge"),
    )
    injection_nudge_after_hours: int = Field(
        48, ge=1, le=24 * 14,
        json_schema_extra=_src("CLINICAL.md Adherence: injection unanswered after 48 hours gets a nudge"),
    )
    injection_unconfirmed_after_days: int = Field(
        7, ge=1, le=60,
        json_schema_extra=_src("CLINICAL.md Adherence: injection unconfirmed for 7 days is a flag"),
    )
    snooze_minutes: int = Field(
        30, ge=5, le=240, json_schema_extra=_src("CLINICAL.md Adherence: snooze 30 minutes by default")
    )
    max_snoozes: int = Field(
        3, ge=0, le=10, json_schema_extra=_src("CLINICAL.md Adherence: at most 3 snoozes per dose")
    )
    late_window_minutes: int = Field(
        120, ge=1, le=24 * 60,
        json_schema_extra=_src(
            "Issue 2: a reminder found due after downtime is sent if still useful (within 2 hours), "
            "otherwise recorded as missed; matches the 2-hour nudge interval"
        ),
    )
    late_mark_minutes: int = Field(
        10, ge=1, le=120,
        json_schema_extra=_src("Operational: a reminder sent this long after its time is marked late"),
    )
    plan_ahead_hours: int = Field(
        48, ge=1, le=24 * 14, json_schema_extra=_src("DESIGN.md: dose events materialised for the next 48 h")
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


class Protocol(BaseModel):
    """All protocol settings. Sections are added per topic; each field names its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doses: DoseTiming = Field(default_factory=DoseTiming)


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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
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
