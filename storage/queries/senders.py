"""Who sent an update (services/stranger_guard.py): known to the bot or a stranger, and how many updates a
stranger sent lately. Statements built once: the guard runs for nearly every update."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, literal, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InboxUpdate, Invite, Patient, TeamMember

USER: Any = bindparam("user")
NOW: Any = bindparam("now")
KNOWN = (  # a patient's chat, an active team member, a person with an open invite they opened
    select(literal(1)).where(col(Patient.chat_id) == USER).limit(1),
    select(literal(1)).where(col(TeamMember.telegram_user_id) == USER, col(TeamMember.active).is_(True)).limit(1),
    select(literal(1))
    .where(col(Invite.opened_chat_id) == USER, col(Invite.used_at).is_(None), col(Invite.expires_at) > NOW)
    .limit(1),
)


async def known(session: AsyncSession, *, user_id: int, now: datetime) -> bool:
    """True when the sender is a patient's chat, an active team member, or holds an open invite they opened."""
    for query in KNOWN:
        if (await session.execute(query, {"user": user_id, "now": now})).first() is not None:
            return True
    return False


async def recent_updates(session: AsyncSession, *, user_id: int, since: datetime, up_to: int, limit: int) -> int:
    """The sender's updates received after `since` with ids up to `up_to`, counted up to `limit`."""
    recent = (
        select(literal(1))
        .where(
            col(InboxUpdate.user_id) == user_id,
            col(InboxUpdate.received_at) > since,
            col(InboxUpdate.update_id) <= up_to,
        )
        .limit(limit)
        .subquery()
    )
    return int((await session.execute(select(func.count()).select_from(recent))).scalar_one())
