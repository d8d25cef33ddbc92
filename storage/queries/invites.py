"""Invite rows: the one-time links of patients, helpers and clinicians, found, ended and forgotten."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Invite


async def invite_by_hash(session: AsyncSession, *, digest: str) -> Invite | None:
    return (await session.exec(select(Invite).where(col(Invite.token_hash) == digest))).first()


async def open_patient_invite(session: AsyncSession, *, chat_id: int, now: datetime) -> int | None:
    """The newest patient invite this chat opened and has not answered yet, still valid at `now`."""
    query = (
        select(Invite.id)
        .where(
            col(Invite.opened_chat_id) == chat_id,
            col(Invite.kind) == "patient",
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .order_by(col(Invite.id).desc())
    )
    return (await session.exec(query)).first()


async def expire_unused_invites(session: AsyncSession, *, ids: Sequence[int], now: datetime) -> None:
    """These invites, where not used yet, stop working at `now`."""
    await session.execute(
        update(Invite).where(col(Invite.id).in_(ids), col(Invite.used_at).is_(None)).values(expires_at=now)
    )


async def open_invites_of(session: AsyncSession, *, patient_id: int | None, now: datetime) -> list[Invite]:
    """The patient's invites not used yet and still valid at `now`."""
    query = select(Invite).where(
        Invite.patient_id == patient_id, col(Invite.used_at).is_(None), col(Invite.expires_at) > now
    )
    return list((await session.exec(query)).all())


async def expire_open_invites(session: AsyncSession, *, patient_id: int, now: datetime) -> None:
    """The patient's invites not used yet and still valid stop working at `now`."""
    query = update(Invite).where(
        col(Invite.patient_id) == patient_id, col(Invite.used_at).is_(None), col(Invite.expires_at) > now
    )
    await session.execute(query.values(expires_at=now))


async def expire_helper_invites(session: AsyncSession, *, patient_id: int | None, now: datetime) -> None:
    """The patient's helper invites not used yet stop working at `now`."""
    query = update(Invite).where(
        col(Invite.patient_id) == patient_id, col(Invite.kind) == "helper", col(Invite.used_at).is_(None)
    )
    await session.execute(query.values(expires_at=now))


async def forget_patient_chat(session: AsyncSession, *, patient_id: int | None) -> None:
    """The chat id kept on the patient's invites (the chat that opened them) is cleared."""
    await session.execute(update(Invite).where(col(Invite.patient_id) == patient_id).values(opened_chat_id=None))


async def forget_opened_by(session: AsyncSession, *, chat_id: int) -> int:
    """The chat id kept on every invite this chat opened is cleared; the rows changed."""
    result: Any = await session.execute(
        update(Invite).where(col(Invite.opened_chat_id) == chat_id).values(opened_chat_id=None)
    )
    return int(result.rowcount or 0)
