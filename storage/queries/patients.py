"""Patient rows: by chat, the person behind a chat, aliases per team."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, update
from sqlalchemy import select as sa_select
from sqlmodel import and_, col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Invite, Patient, Team
from storage.queries.dialect import is_postgres
from storage.status import ENROLLED

PATIENTS = Patient.__table__  # type: ignore[attr-defined]
# what the planner reads of a patient (schedules/planner.py, schedules/questionnaires.weekly_due); the regimen as
# its JSON text (`regimen_json`), parsed once per distinct regimen in a batch, not into a dict per row
PLANNING = (
    *(PATIENTS.c[name] for name in ("id", "chat_id", "timezone", "reminder_time", "therapy_start")),
    *(PATIENTS.c[name] for name in ("planned_until", "consented_at")),
    cast(PATIENTS.c.regimen, Text).label("regimen_json"),
)


async def by_chat(session: AsyncSession, *, chat_id: int) -> Patient | None:
    """The patient linked to this private chat now (`patient.chat_id` is unique)."""
    return (await session.exec(select(Patient).where(col(Patient.chat_id) == chat_id))).first()


async def by_chat_for_update(session: AsyncSession, *, chat_id: int, lock: bool) -> Patient | None:
    """As by_chat, the row locked (SELECT ... FOR UPDATE) when `lock` (PostgreSQL)."""
    query = select(Patient).where(col(Patient.chat_id) == chat_id)
    return (await session.exec(query.with_for_update() if lock else query)).first()


async def id_by_chat(session: AsyncSession, *, chat_id: int) -> int | None:
    return (await session.exec(select(Patient.id).where(col(Patient.chat_id) == chat_id))).first()


async def language_by_chat(session: AsyncSession, *, chat_id: int) -> str | None:
    return (await session.exec(select(col(Patient.language)).where(col(Patient.chat_id) == chat_id))).first()


async def enrolled_id_by_chat(session: AsyncSession, *, chat_id: int) -> int | None:
    """The patient of this chat while active or paused."""
    query = select(col(Patient.id)).where(col(Patient.chat_id) == chat_id, col(Patient.status).in_(ENROLLED))
    return (await session.exec(query)).first()


async def linked(session: AsyncSession, *, chat_id: int) -> list[Patient]:
    """Every patient row of the person behind this chat, not erased, newest first: the one linked to the
    chat now, and the ones whose patient invite this chat opened and consented to."""
    opened = select(col(Invite.patient_id)).where(
        col(Invite.opened_chat_id) == chat_id, col(Invite.kind) == "patient", col(Invite.outcome) == "consented"
    )
    query = (
        select(Patient)
        .where(or_(col(Patient.chat_id) == chat_id, col(Patient.id).in_(opened)), col(Patient.status) != "erased")
        .order_by(col(Patient.id).desc())
    )
    return list((await session.exec(query)).all())


async def alias_taken(session: AsyncSession, *, team_id: int, alias: str) -> bool:
    """An alias is taken in a team whatever its case."""
    query = select(col(Patient.id)).where(col(Patient.team_id) == team_id, func.lower(Patient.alias) == alias.lower())
    return (await session.exec(query)).first() is not None


async def of_team(session: AsyncSession, *, team_id: int | None, erased: bool = True) -> list[Patient]:
    """The team's patients by alias; erased patients' stubs only if `erased`."""
    query = select(Patient).where(Patient.team_id == team_id)
    if not erased:
        query = query.where(col(Patient.erased_at).is_(None))
    return list((await session.exec(query.order_by(col(Patient.alias)))).all())


async def enrolled_counts(session: AsyncSession) -> dict[int, int]:
    """Team id -> its patients active or paused (teams with none are left out)."""
    query = (
        select(Patient.team_id, func.count()).where(col(Patient.status).in_(ENROLLED)).group_by(col(Patient.team_id))
    )
    return {team_id: int(n) for team_id, n in (await session.exec(query)).all()}


async def by_alias(
    session: AsyncSession, *, alias: str, team_ids: Sequence[int] | None = None, team_name: str | None = None
) -> list[tuple[Patient, Team]]:
    """The patients with this alias (any case) and their teams: in `team_ids`, or the team named `team_name`."""
    query = select(Patient, Team).join(Team)
    if team_ids is not None:
        query = query.where(col(Patient.team_id).in_(team_ids))
    query = query.where(func.lower(Patient.alias) == alias.lower())
    if team_name is not None:
        query = query.where(Team.name == team_name)
    return list((await session.exec(query)).all())


async def count_in_teams(session: AsyncSession, *, team_ids: Sequence[int]) -> int:
    query = select(func.count()).select_from(Patient).where(col(Patient.team_id).in_(team_ids))
    return int((await session.exec(query)).one())


async def page_in_teams(
    session: AsyncSession, *, team_ids: Sequence[int], offset: int, limit: int
) -> list[tuple[Patient, str]]:
    """(patient, team name) in these teams, by team name then alias: `limit` rows from `offset`."""
    query = (
        select(Patient, Team.name)
        .join(Team)
        .where(col(Patient.team_id).in_(team_ids))
        .order_by(col(Team.name), col(Patient.alias))
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def aliases_like(session: AsyncSession, *, team_id: int, prefix: str, other_than: int | None) -> list[str]:
    """The team's aliases starting with `prefix` (any case), but that of patient `other_than`."""
    query = select(Patient.alias).where(
        col(Patient.team_id) == team_id,
        func.lower(col(Patient.alias)).like(f"{prefix}%"),
        col(Patient.id) != other_than,
    )
    return list((await session.exec(query)).all())


async def stop_enrolled_of_chat(session: AsyncSession, *, chat_id: int, now: datetime) -> None:
    """The patient of this chat, while active or paused, is stopped at `now`."""
    query = update(Patient).where(col(Patient.chat_id) == chat_id, col(Patient.status).in_(ENROLLED))
    await session.execute(query.values(status="stopped", stopped_at=now))


def _locked_batch(session: AsyncSession, query: Any, *where: ColumnElement[bool], batch: int) -> Any:
    """`query` narrowed to the first `batch` patients matching `where`, by id; on PostgreSQL locked, skipping rows
    other processes hold (the review and the planner take their batches this way)."""
    query = query.where(*where).order_by(col(Patient.id)).limit(batch)
    return query.with_for_update(skip_locked=True) if is_postgres(session) else query


async def due_for_review(session: AsyncSession, *, before: datetime, batch: int) -> list[Patient]:
    """Enrolled patients who consented and were not reviewed since `before`, by id (locked, skipping rows other
    processes hold, on PostgreSQL)."""
    query = _locked_batch(
        session,
        select(Patient),
        col(Patient.status).in_(ENROLLED),
        col(Patient.consented_at).is_not(None),
        or_(col(Patient.reviewed_at).is_(None), col(Patient.reviewed_at) <= before),
        batch=batch,
    )
    return list((await session.exec(query)).all())


async def mark_reviewed(session: AsyncSession, *, ids: Sequence[int | None], at: datetime) -> None:
    await session.execute(update(Patient).where(col(Patient.id).in_(ids)).values(reviewed_at=at))


async def due_for_planning(session: AsyncSession, *, states: Sequence[str], below: datetime, batch: int) -> list[Any]:
    """Reachable patients in `states` whose plan is missing or ends before `below`, by id (locked, skipping rows
    other processes hold, on PostgreSQL): rows of the columns the planner reads (PLANNING), not ORM objects, so a
    batch of 1,000 costs ~1 MB, not ~5 (issue 17: the bot's memory at 100,000 patients). The state is repeated in
    each arm of the OR so that both are ranges of ix_patient_planning (status, planned_until): SQLite otherwise reads
    every enrolled patient's row through ix_patient_review to find the few to plan."""
    enrolled, until = PATIENTS.c.status.in_(states), PATIENTS.c.planned_until
    query = _locked_batch(
        session,
        sa_select(*PLANNING),
        PATIENTS.c.reachable.is_(True),
        or_(and_(enrolled, until.is_(None)), and_(enrolled, until < below)),
        batch=batch,
    )
    return list((await session.execute(query)).all())


async def set_planned_until(session: AsyncSession, *, ids: Sequence[int | None], until: datetime) -> None:
    await session.execute(update(Patient).where(col(Patient.id).in_(ids)).values(planned_until=until))


async def starting_between(
    session: AsyncSession, *, team_ids: Sequence[int | None], states: Sequence[str], first: date, last: date
) -> list[Patient]:
    """These teams' patients in `states` whose therapy starts between `first` and `last` (both included)."""
    query = select(Patient).where(
        col(Patient.team_id).in_(team_ids),
        col(Patient.status).in_(states),
        col(Patient.therapy_start).between(first, last),
    )
    return list((await session.exec(query)).all())


async def not_erased_of_team(session: AsyncSession, *, team_id: int) -> list[Patient]:
    """The team's patients but the stubs of erased ones (/delete_my_data: nothing to report)."""
    erased = col(Patient.status) == "erased"
    return list((await session.exec(select(Patient).where(Patient.team_id == team_id, ~erased))).all())


async def mark_unreachable(session: AsyncSession, *, chat_id: int, now: datetime) -> int | None:
    """The reachable patient of this chat becomes unreachable (blocked the bot); their id, None if none was."""
    patient_id = (
        await session.execute(
            update(Patient)
            .where(col(Patient.chat_id) == chat_id, col(Patient.reachable).is_(True))
            .values(reachable=False, unreachable_at=now)
            .returning(col(Patient.id))
        )
    ).scalar()
    return None if patient_id is None else int(patient_id)
