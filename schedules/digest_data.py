"""What a team's daily digest shows, read from the database as of the digest's moment.

A digest due at instant T lists the flags of the team's patients raised up to T and not yet in an
earlier digest; once sent they are marked `digested_at = T`, so a sibling row of the same digest (one
per member chat) and a retry show the same flags, and the next day's digest does not repeat them.
Escalated flags (issue 14: urgent, nobody owned them in time) come first, and one still unowned is
listed again in every digest until someone acknowledges it or takes it on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.b6 import phase_b6_mg_per_day
from care.digest import SEVERITY_ORDER, Cohort, Figures, cohort, figures_from, is_silent, milestones_between
from care.protocol import Protocol
from care.regimens import Regimen
from schedules.timeparse import parse_timezone
from storage.models import Flag, Patient, Team
from storage.queries import doses as doses_q
from storage.queries import flags as flags_q
from storage.queries import patients as patients_q
from storage.queries import questionnaires as questionnaires_q
from storage.status import ENROLLED

COUNTED = ("taken", "skipped", "unconfirmed", "missed")


@dataclass(frozen=True)
class DigestFlag:
    id: int
    alias: str
    kind: str
    severity: str
    summary_key: str
    facts: dict[str, Any]
    figures: Figures
    acknowledged: bool = False
    assigned: bool = False
    escalated: bool = False  # urgent and nobody owned it in time: posted again (listed first)


@dataclass(frozen=True)
class Digest:
    team: str
    language: str
    local_date: date
    flags: list[DigestFlag] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    milestones: list[tuple[str, int, date]] = field(default_factory=list)  # alias, week, local day
    cohort: Cohort = field(default_factory=lambda: Cohort(0, None, 0))
    empty_digest: str = "short"  # the team's setting for a day with nothing to report: short | quiet

    @property
    def empty(self) -> bool:
        return not (self.flags or self.unreachable or self.silent or self.milestones)


async def figures_for(
    session: AsyncSession, patients: Sequence[Patient], *, since: datetime | None, now: datetime
) -> dict[int, Figures]:
    """Pain/numbness baseline → latest, doses confirmed since `since` (all when None), B6 mg/day."""
    ids = [p.id for p in patients if p.id is not None]
    if not ids:
        return {}
    scores: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pid, score in await questionnaires_q.scores_of(session, ids=ids):
        if score:
            scores[pid].append(dict(score))
    due: dict[int, int] = defaultdict(int)
    taken: dict[int, int] = defaultdict(int)
    phase: dict[int, int] = defaultdict(int)
    for pid, status, index in await doses_q.states_of(session, ids=ids, now=now, since=since):
        phase[pid] = max(phase[pid], index)
        due[pid] += status in COUNTED
        taken[pid] += status == "taken"
    out = {}
    for p in patients:
        assert p.id is not None
        phases = Regimen.from_dict(p.regimen).phases
        b6 = phase_b6_mg_per_day(phases[min(phase[p.id], len(phases) - 1)])
        out[p.id] = figures_from(scores[p.id], regimen_b6=b6, due=due[p.id], taken=taken[p.id])
    return out


async def _last_heard(session: AsyncSession, ids: list[int]) -> dict[int, datetime]:
    heard: dict[int, datetime] = {}
    for last in (doses_q.last_answers, questionnaires_q.last_answers):
        for pid, at in await last(session, ids=ids):
            if at is not None and (pid not in heard or at > heard[pid]):
                heard[pid] = at
    return heard


def escalated_by(flag: Flag, at: datetime) -> bool:
    return flag.escalated_at is not None and flag.escalated_at <= at


async def digest_for(session: AsyncSession, team_id: int, *, at: datetime, now: datetime, protocol: Protocol) -> Digest:
    """The digest of team `team_id` due at `at` (the digest's moment), with figures as of `now`."""
    team = await session.get(Team, team_id)
    assert team is not None
    local_date = at.astimezone(parse_timezone(team.timezone)).date()
    patients = await patients_q.not_erased_of_team(session, team_id=team_id)
    by_id = {p.id: p for p in patients}
    enrolled = [p for p in patients if p.status in ENROLLED and p.consented_at is not None]
    window = now - timedelta(days=protocol.adherence.window_days)
    figures = await figures_for(session, patients, since=window, now=now)
    rows = await flags_q.for_digest(session, patient_ids=list(by_id), at=at)
    flags = [
        DigestFlag(
            f.id or 0,
            by_id[f.patient_id].alias,
            f.kind,
            f.severity,
            f.summary_key,
            f.facts,
            figures[f.patient_id],
            f.acknowledged_at is not None,
            f.assigned_to is not None,
            escalated_by(f, at),
        )
        for f in sorted(
            rows, key=lambda f: (not escalated_by(f, at), SEVERITY_ORDER.index(f.severity), f.raised_at, f.id or 0)
        )
    ]
    heard = await _last_heard(session, [p.id for p in enrolled if p.id is not None])
    open_flags = await flags_q.open_count(session, patient_ids=list(by_id))
    active = [p for p in enrolled if p.status == "active"]
    return Digest(
        team=team.name,
        language=team.language,
        empty_digest=team.empty_digest,
        local_date=local_date,
        flags=flags,
        unreachable=sorted(p.alias for p in enrolled if not p.reachable),
        silent=sorted(
            p.alias
            for p in active
            if p.reachable and p.consented_at and is_silent(heard.get(p.id or 0), p.consented_at, now)
        ),
        milestones=sorted(
            (
                (p.alias, week, day)
                for p in enrolled
                for week, day in milestones_between(
                    p.therapy_start, local_date, local_date + timedelta(days=6), protocol.verdicts
                )
            ),
            key=lambda m: (m[2], m[0]),
        ),
        cohort=cohort(len(active), (figures[p.id or 0].adherence_pct for p in active), int(open_flags)),
    )


async def mark_digested(session: AsyncSession, flag_ids: Sequence[int], *, at: datetime) -> None:
    if flag_ids:
        await flags_q.mark_digested(session, ids=flag_ids, at=at)
