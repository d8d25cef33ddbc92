"""The rules that raise flags from what a patient answered: the red-flag screen (in a questionnaire or
/symptoms), B6 intake, worsening against the baseline, and the verdict at the milestone weeks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from care.b6 import B6Tier, assess_b6
from care.flag_types import Flag, FlagKind, Severity, _plain
from care.instruments import RED_FLAG_ITEMS, RETIRED_RED_FLAG_KEYS
from care.protocol import Protocol
from care.scoring import QuestionnaireScore
from care.verdicts import Verdict, is_milestone, milestone_verdict, worsening

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
