"""The flag vocabulary and the rules that raise flags from stored facts.

The vocabulary is `care.flag_types`, the rules on a questionnaire's answers `care.response_flags`; both are
re-exported here. This module holds the rules on time: adherence, missed questionnaires, an unreachable patient.

A flag is unique per (patient, kind, episode): the rules are pure, so the same facts seen again, on
any number of processes, give the same episodes and the store adds nothing new. Episodes:
red flag `response:<id>:<item>` (questionnaire) or `symptoms:<UTC instant>:<item>` (/symptoms);
B6 `week:<n>:tier:<tier>`; B6 unsure and worsening `week:<n>`;
verdicts `milestone:week:<n>`; low adherence `window:<block start>`; injection `dose:<id>`;
missed questionnaires `week:<second missed week>`; unreachable `blocked:<UTC date>`; schedule change
`change:<UTC instant>` (care.transition).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from care.adherence import DoseRecord, adherence_summary, overdue_injections
from care.flag_types import Flag, FlagKind, Severity, _plain
from care.protocol import Protocol
from care.response_flags import ResponseFacts, flags_for_response, red_flag_flags

__all__ = [
    "Flag",
    "FlagKind",
    "ResponseFacts",
    "Severity",
    "flag_for_unreachable",
    "flags_for_adherence",
    "flags_for_missed",
    "flags_for_response",
    "red_flag_flags",
]


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
