"""What a clinician reads per patient: the team's list (paged) and one patient's course. Every read is audited.

Who may read: an active member, in their private chat (every team they belong to: the list shows each
team's patients under the team's name), or in a team's alert group (that team only, so one team's
patients never show in another team's group). Anything else is refused and audited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services import course, teams
from care.protocol import Protocol
from storage import audit
from storage.engine import Sessions
from storage.models import Flag, Patient, Team

PAGE_SIZE = 10


@dataclass(frozen=True)
class Caller:
    user_id: int
    chat_id: int
    private: bool

    @property
    def actor(self) -> str:
        return f"tg:{self.user_id}"


async def scope(session: AsyncSession, caller: Caller) -> list[int]:
    """The team ids whose patients this caller may see in this chat (empty: none)."""
    if caller.private:
        return [m.team_id for m in await teams.memberships(session, caller.user_id)]
    team = await teams.team_of_chat(session, caller.chat_id)
    if team is None or team.id is None or not await teams.is_member(session, user_id=caller.user_id, team_id=team.id):
        return []
    return [team.id]


async def refuse(
    session: AsyncSession, caller: Caller, *, action: str, now: datetime, subject: str | None = None, reason: str
) -> None:
    """A refused team action: an audit row (who, what, when, why), in the caller's own transaction."""
    detail = {"reason": reason, "chat": "private" if caller.private else "group"}
    audit.record(session, at=now, actor=caller.actor, action=action, subject=subject, outcome="refused", detail=detail)
    await session.commit()


async def find(
    session: AsyncSession, caller: Caller, alias: str, *, action: str, now: datetime
) -> tuple[Patient, Team] | str:
    """The patient with this alias that the caller may act on, or why not (refused and audited)."""
    team_ids = await scope(session, caller)
    found = (
        (
            await session.exec(
                select(Patient, Team).join(Team).where(col(Patient.team_id).in_(team_ids), Patient.alias == alias)
            )
        ).all()
        if team_ids
        else []
    )
    if len(found) == 1:
        return found[0]
    reason = "not_a_member" if not team_ids else "not_found" if not found else "ambiguous"
    await refuse(session, caller, action=action, now=now, subject=f"alias:{alias}"[:40], reason=reason)
    return reason


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
) -> Page | None:
    """One page of the caller's patients (team name, then alias), or None when refused."""
    async with sessions() as session:
        team_ids = await scope(session, caller)
        if not team_ids:
            await refuse(session, caller, action="patients.list", now=now, reason="not_a_member")
            return None
        where = col(Patient.team_id).in_(team_ids)
        total = (await session.exec(select(func.count()).select_from(Patient).where(where))).one()
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = (
            await session.exec(
                select(Patient, Team.name)
                .join(Team)
                .where(where)
                .order_by(col(Team.name), col(Patient.alias))
                .offset((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE)
            )
        ).all()
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
        view = View(
            patient,
            team.name,
            course.shown_status(patient),
            course.therapy_week(patient.therapy_start, today),
            course.adherence(
                patient, [d for d in doses if d.due_at >= course.window_start(now, protocol)], now, protocol
            ),
            tuple({**(q.score or {}), "week": q.week} for q in scores),
            tuple(flags),
            course.weekly_doses(doses, patient.therapy_start),
            course.milestone_weeks(protocol),
        )
        audit.record(session, at=now, actor=caller.actor, action="patient.view", subject=f"patient:{pid}")
        await session.commit()
    return view
