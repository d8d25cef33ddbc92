"""The flag vocabulary and the rules that raise flags from stored facts.

A flag is unique per (patient, kind, episode): the rules are pure, so the same facts seen again, on
any number of processes, give the same episodes and the store adds nothing new. Episodes:
red flag `response:<id>:<item>` (questionnaire) or `symptoms:<UTC instant>:<item>` (/symptoms);
B6 `week:<n>:tier:<tier>`; B6 unsure and worsening `week:<n>`;
verdicts `milestone:week:<n>`; low adherence `window:<block start>`; injection `dose:<id>`;
missed questionnaires `week:<second missed week>`; unreachable `blocked:<UTC date>`; schedule change
`change:<UTC instant>` (care.transition).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from care.adherence import DoseRecord, adherence_summary, overdue_injections
from care.b6 import B6Tier, assess_b6
from care.instruments import RED_FLAG_ITEMS, RETIRED_RED_FLAG_KEYS
from care.protocol import Protocol
from care.scoring import QuestionnaireScore
from care.verdicts import Verdict, is_milestone, milestone_verdict, worsening

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


_EMERGENCY = {item.key: item.emergency for item in RED_FLAG_ITEMS} | dict.fromkeys(RETIRED_RED_FLAG_KEYS, False)
_B6_SEVERITY = {B6Tier.INFO: Severity.INFO, B6Tier.WARNING: Severity.WARNING, B6Tier.URGENT: Severity.URGENT}


def red_flag_flags(response_id: str, red_flags: Iterable[str], *, report: str | None = None) -> tuple[Flag, ...]:
    """Urgent flags for red-flag items answered yes; usable while the questionnaire is in progress.

    `report`: a red-flag screen opened outside a questionnaire (/symptoms), named by when it was answered
    (episode `symptoms:<report>:<item>`); then `response_id` is empty."""
    flags = []
    for key in red_flags:
        facts: dict[str, object] = {"item": key, "emergency": _EMERGENCY[key]}
        if report is None:
            facts["response_id"] = response_id
            episode = f"response:{response_id}:{key}"
        else:
            facts["report"] = report
            episode = f"symptoms:{report}:{key}"
        flags.append(Flag(FlagKind.RED_FLAG, Severity.URGENT, episode, facts, f"flag.red_flag.{key}"))
    return tuple(flags)


@dataclass(frozen=True)
class ResponseFacts:
    """A completed questionnaire and what the rules compare it with."""

    response_id: str
    week: int  # 0 = baseline
    score: QuestionnaireScore
    baseline: QuestionnaireScore | None  # None when this response is the baseline
    previous: QuestionnaireScore | None  # the last completed response before this one
    regimen_b6_mg_per_day: float = 0.0  # care.b6.phase_b6_mg_per_day of the current phase
    adherence_fraction: float | None = None  # listed in verdict alerts
    baseline_b12: str | None = None  # e.g. "180 ng/L on 2025-01-10", listed in verdict alerts


def _plain(record: DataclassInstance, **extra: object) -> dict[str, object]:
    """A dataclass's fields (plus `extra`) as JSON-friendly facts: enums as str, tuples as lists."""
    out: dict[str, object] = {}
    for key, value in {**asdict(record), **extra}.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        out[key] = list(value) if isinstance(value, tuple) else str(value) if isinstance(value, StrEnum) else value
    return out


def flags_for_response(f: ResponseFacts, protocol: Protocol) -> tuple[Flag, ...]:
    """Red flags, B6 tier and "not sure", worsening vs baseline, and the verdict at milestone weeks."""
    s, week, base = f.score, f.week, f.baseline
    flags = list(red_flag_flags(f.response_id, s.red_flags))
    b6 = assess_b6(
        f.regimen_b6_mg_per_day,
        s.b6_mg_per_day_reported,
        protocol.b6,
        numbness=s.numbness,
        numbness_previous=f.previous.numbness if f.previous else None,
        numbness_baseline=base.numbness if base else None,
    )
    b6_facts = _plain(
        b6, week=week, range=s.b6_range, products=s.b6_products, source_figure_mg=protocol.b6.source_figure_mg
    )
    if b6.tier is not B6Tier.NONE:
        severity = _B6_SEVERITY[b6.tier]
        flags.append(
            Flag(FlagKind.B6_INTAKE, severity, f"week:{week}:tier:{b6.tier}", b6_facts, f"flag.b6_intake.{b6.tier}")
        )
    if b6.unsure:
        flags.append(Flag(FlagKind.B6_UNSURE, Severity.INFO, f"week:{week}", b6_facts))
    if base is None:
        return tuple(flags)
    worse = worsening(base, s, protocol.verdicts)
    if worse is not None:
        facts = _plain(worse, week=week, baseline_pain=base.pain, pain=s.pain)
        flags.append(Flag(FlagKind.WORSENING, Severity.WARNING, f"week:{week}", facts))
    if is_milestone(week, protocol.verdicts):
        v = milestone_verdict(week, base, s, protocol.verdicts)
        context = {"adherence_fraction": f.adherence_fraction, "baseline_b12": f.baseline_b12}
        facts = _plain(v, outcome=v.outcome, mnsi=s.mnsi, baseline_mnsi=base.mnsi, **context)
        facts["b6_total_mg_per_day"] = b6.total_mg_per_day
        facts["b6_range"], facts["b6_regimen_mg_per_day"] = s.b6_range, f.regimen_b6_mg_per_day
        poor = v.verdict is Verdict.POOR
        kind = FlagKind.POOR_IMPROVEMENT if poor else FlagKind.MILESTONE_VERDICT
        severity = Severity.WARNING if poor else Severity.INFO
        flags.append(Flag(kind, severity, f"milestone:week:{week}", facts, f"flag.{kind}.{v.outcome}"))
    return tuple(flags)


def flags_for_adherence(
    doses: Sequence[DoseRecord], now: datetime, therapy_start: datetime, protocol: Protocol
) -> tuple[Flag, ...]:
    """Low adherence over the window (once per block) and injections unanswered for 7 days."""
    flags: list[Flag] = []
    a = adherence_summary(doses, now, therapy_start, protocol.adherence)
    if a.low:
        facts = _plain(a, threshold_pct=protocol.adherence.low_below_pct)
        episode = f"window:{a.block_start.isoformat()}"
        flags.append(Flag(FlagKind.LOW_ADHERENCE, Severity.WARNING, episode, facts))
    for d in overdue_injections(doses, now, protocol.doses):
        flags.append(Flag(FlagKind.INJECTION_UNCONFIRMED, Severity.WARNING, f"dose:{d.dose_id}", _plain(d)))
    return tuple(flags)


def flags_for_missed(history: Iterable[tuple[int, str]], protocol: Protocol) -> tuple[Flag, ...]:
    """`history`: (week, status) of sent questionnaires, status "completed", "expired" or "open".

    A run of `missed_in_a_row` (2) expired questionnaires raises one flag, at the run's second
    missed week; a longer run raises nothing more until a completed questionnaire ends it. Open
    questionnaires neither extend nor break a run.
    """
    needed = protocol.questionnaires.missed_in_a_row
    run: list[int] = []
    flags: list[Flag] = []
    for week, status in sorted(history):
        if status not in ("completed", "expired", "open"):
            raise ValueError(f"unknown questionnaire status {status!r}")
        if status == "completed":
            run = []
        elif status == "expired":
            run.append(week)
            if len(run) == needed:
                facts = {"weeks": list(run)}
                flags.append(Flag(FlagKind.MISSED_QUESTIONNAIRES, Severity.WARNING, f"week:{week}", facts))
    return tuple(flags)


def flag_for_unreachable(blocked_at: datetime) -> Flag:
    """The patient blocked the bot (403, or a my_chat_member update); one flag per event date (UTC)."""
    day = (blocked_at.astimezone(UTC) if blocked_at.tzinfo else blocked_at).date().isoformat()
    return Flag(FlagKind.UNREACHABLE, Severity.WARNING, f"blocked:{day}", {"blocked_at": blocked_at.isoformat()})
