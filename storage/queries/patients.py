"""Patient rows: by chat, the person behind a chat, aliases per team."""

from __future__ import annotations

from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Invite, Patient
from storage.status import ENROLLED


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
