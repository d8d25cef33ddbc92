"""What a clinician reads per patient: the team's list (paged) and one patient's course. Every read is audited.

Who may read is decided in `team_access`: in a private chat the list shows each of the member's teams
under the team's name; in an alert group only that team's patients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from care.protocol import Protocol
from services import course
from services.course_timeline import Timeline, timeline
from services.team_access import Caller, find, scope_or_refuse
from storage import audit
from storage.engine import Sessions
from storage.models import Flag, Patient
from storage.queries import patients as patients_q

PAGE_SIZE = 10


@dataclass(frozen=True)
class Line:
    team: str
    alias: str
    status: str
    adherence: tuple[int, int] | None  # (taken, due) over 14 days
    pain: int | None
    numbness: int | None
    open_flags: int


@dataclass(frozen=True)
class Page:
    lines: tuple[Line, ...]
    page: int
    pages: int
    total: int


async def list_patients(
    sessions: Sessions, caller: Caller, *, page: int, now: datetime, protocol: Protocol
) -> Page | str:
    """One page of the caller's patients (team name, then alias), or why not (refused and audited)."""
    async with sessions() as session:
        team_ids = await scope_or_refuse(session, caller, action="patients.list", now=now)
        if isinstance(team_ids, str):
            return team_ids
        total = await patients_q.count_in_teams(session, team_ids=team_ids)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(page, 1), pages)
        offset = (page - 1) * PAGE_SIZE
        rows = await patients_q.page_in_teams(session, team_ids=team_ids, offset=offset, limit=PAGE_SIZE)
        ids = [p.id or 0 for p, _ in rows]
        doses = await course.doses_of(session, ids, course.window_start(now, protocol))
        scores = await course.scores_of(session, ids)
        flags = await course.open_flag_counts(session, ids)
        lines = []
        for patient, team in rows:
            latest = scores[patient.id or 0][-1].score if scores.get(patient.id or 0) else None
            lines.append(
                Line(
                    team,
                    patient.alias,
                    course.shown_status(patient),
                    course.adherence(patient, doses.get(patient.id or 0, []), now, protocol),
                    latest.get("pain") if latest else None,
                    latest.get("numbness") if latest else None,
                    flags.get(patient.id or 0, 0),
                )
            )
        detail: dict[str, Any] = {"page": page, "patients": ids}
        audit.record(session, at=now, actor=caller.actor, action="patients.list", detail=detail)
        await session.commit()
    return Page(tuple(lines), page, pages, total)


@dataclass(frozen=True)
class View:
    patient: Patient
    team: str
    status: str
    week: int | None
    adherence: tuple[int, int] | None
    scores: tuple[dict[str, Any], ...]  # completed scores by week, each with its "week"
    flags: tuple[Flag, ...]
    dose_weeks: tuple[list[int], list[float]]
    milestones: tuple[int, ...]
    timeline: Timeline | None = None  # the chart's flags, verdicts, today and weeks with nothing due


async def patient_view(
    sessions: Sessions, caller: Caller, alias: str, *, now: datetime, protocol: Protocol
) -> View | str:
    """One patient's course, or the refusal reason (not_a_member, not_found, ambiguous)."""
    async with sessions() as session:
        found = await find(session, caller, alias, action="patient.view", now=now)
        if isinstance(found, str):
            return found
        patient, team = found
        pid = patient.id or 0
        doses = (await course.doses_of(session, [pid], None)).get(pid, [])
        scores = (await course.scores_of(session, [pid])).get(pid, [])
        flags = await course.open_flags(session, pid)
        today = now.astimezone(ZoneInfo(patient.timezone)).date()
        week = course.therapy_week(patient.therapy_start, today)
        marks = await timeline(
            session, pid, start=patient.therapy_start, zone=patient.timezone, now=now, current_week=week
        )
        view = View(
            patient,
            team.name,
            course.shown_status(patient),
            week,
            course.adherence(
                patient, [d for d in doses if d.due_at >= course.window_start(now, protocol)], now, protocol
            ),
            tuple({**(q.score or {}), "week": q.week} for q in scores),
            tuple(flags),
            course.weekly_doses(doses, patient.therapy_start),
            course.milestone_weeks(protocol),
            marks,
        )
        audit.record(session, at=now, actor=caller.actor, action="patient.view", subject=f"patient:{pid}")
        await session.commit()
    return view
