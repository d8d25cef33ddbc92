"""The flag vocabulary: what a flag is (kind, severity, episode, facts) and how facts are kept plain.

The rules that raise flags are `care.flags` (from time and deliveries) and `care.response_flags` (from a
questionnaire's answers or the red-flag screen); episodes are listed in `care.flags`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class FlagKind(StrEnum):
    B6_INTAKE = "b6_intake"
    B6_UNSURE = "b6_unsure"
    WORSENING = "worsening"
    POOR_IMPROVEMENT = "poor_improvement"
    MILESTONE_VERDICT = "milestone_verdict"
    RED_FLAG = "red_flag"
    LOW_ADHERENCE = "low_adherence"
    INJECTION_UNCONFIRMED = "injection_unconfirmed"
    MISSED_QUESTIONNAIRES = "missed_questionnaires"
    UNREACHABLE = "unreachable"
    SCHEDULE_CHANGE = "schedule_change"  # info: the patient changed reminder time or time zone


class Severity(StrEnum):
    INFO = "info"  # daily digest
    WARNING = "warning"  # daily digest, highlighted
    URGENT = "urgent"  # to the care team at once


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    severity: Severity
    episode: str
    facts: Mapping[str, object] = field(hash=False)  # JSON-friendly values, read-only
    summary_key: str = ""  # text catalogue key of the team's summary line; default "flag.<kind>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))
        object.__setattr__(self, "summary_key", self.summary_key or f"flag.{self.kind}")


def _plain(record: DataclassInstance, **extra: object) -> dict[str, object]:
    """A dataclass's fields (plus `extra`) as JSON-friendly facts: enums as str, tuples as lists."""
    out: dict[str, object] = {}
    for key, value in {**asdict(record), **extra}.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        out[key] = list(value) if isinstance(value, tuple) else str(value) if isinstance(value, StrEnum) else value
    return out
