"""What a team's daily digest shows, read from the database as of the digest's moment.

A digest due at instant T lists the flags of the team's patients raised up to T and not yet in an
earlier digest; once sent they are marked `digested_at = T`, so a sibling row of the same digest (one
per member chat) and a retry show the same flags, and the next day's digest does not repeat them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from care.b6 import phase_b6_mg_per_day
from care.digest import SEVERITY_ORDER, Cohort, Figures, cohort, figures_from, is_silent, milestones_between
from care.protocol import Protocol
from care.regimens import Regimen
from schedules.dosetimes import parse_timezone
from storage.models import DoseEvent, Flag, Patient, Questionnaire, Team
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


async def figures_for(
    session: AsyncSession, patients: Sequence[Patient], *, since: datetime | None, now: datetime
) -> dict[int, Figures]:
    """Pain/numbness baseline → latest, doses confirmed since `since` (all when None), B6 mg/day."""
    ids = [p.id for p in patients if p.id is not None]
    if not ids:
        return {}
    scores: dict[int, list[dict[str, Any]]] = defaultdict(list)
    done = await session.exec(
        select(Questionnaire.patient_id, Questionnaire.score)
        .where(col(Questionnaire.patient_id).in_(ids), Questionnaire.status == "completed")
        .order_by(col(Questionnaire.week))
    )
    for pid, score in done.all():
        if score:
            scores[pid].append(dict(score))
    dose_query = select(DoseEvent.patient_id, DoseEvent.status, DoseEvent.phase_index).where(
        col(DoseEvent.patient_id).in_(ids), col(DoseEvent.due_at) <= now
    )
    if since is not None:
        dose_query = dose_query.where(col(DoseEvent.due_at) >= since)
    due: dict[int, int] = defaultdict(int)
    taken: dict[int, int] = defaultdict(int)
    phase: dict[int, int] = defaultdict(int)
    for pid, status, index in (await session.exec(dose_query)).all():
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
    doses = select(DoseEvent.patient_id, func.max(DoseEvent.answered_at)).where(col(DoseEvent.patient_id).in_(ids))
    answers = select(Questionnaire.patient_id, func.max(Questionnaire.last_answer_at)).where(
        col(Questionnaire.patient_id).in_(ids), col(Questionnaire.version) > 0
    )
    for query in (doses.group_by(col(DoseEvent.patient_id)), answers.group_by(col(Questionnaire.patient_id))):
        for pid, at in (await session.execute(query)).all():
            if at is not None and (pid not in heard or at > heard[pid]):
                heard[pid] = at
    return heard


async def digest_for(session: AsyncSession, team_id: int, *, at: datetime, now: datetime, protocol: Protocol) -> Digest:
    """The digest of team `team_id` due at `at` (the digest's moment), with figures as of `now`."""
    team = await session.get(Team, team_id)
    assert team is not None
    local_date = at.astimezone(parse_timezone(team.timezone)).date()
    erased = col(Patient.status) == "erased"  # /delete_my_data: a stub with no regimen, nothing to report
    patients = list((await session.exec(select(Patient).where(Patient.team_id == team_id, ~erased))).all())
    by_id = {p.id: p for p in patients}
    enrolled = [p for p in patients if p.status in ENROLLED and p.consented_at is not None]
    window = now - timedelta(days=protocol.adherence.window_days)
    figures = await figures_for(session, patients, since=window, now=now)
    rows = (
        await session.exec(
            select(Flag).where(
                col(Flag.patient_id).in_(list(by_id)),
                col(Flag.raised_at) <= at,
                or_(col(Flag.digested_at).is_(None), col(Flag.digested_at) == at),
            )
        )
    ).all()
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
        )
        for f in sorted(rows, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.raised_at, f.id or 0))
    ]
    heard = await _last_heard(session, [p.id for p in enrolled if p.id is not None])
    open_flags = (
        await session.execute(
            select(func.count())
            .select_from(Flag)
            .where(col(Flag.patient_id).in_(list(by_id)), col(Flag.acknowledged_at).is_(None))
        )
    ).scalar_one()
    active = [p for p in enrolled if p.status == "active"]
    return Digest(
        team=team.name,
        language=team.language,
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
        await session.execute(
            update(Flag).where(col(Flag.id).in_(list(flag_ids)), col(Flag.digested_at).is_(None)).values(digested_at=at)
        )
