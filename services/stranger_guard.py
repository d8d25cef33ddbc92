"""Updates from people the bot does not know: at most STRANGER_LIMIT an hour are handled, per sender.

A stranger is a sender who is not an active team member, not a patient's chat, and has no open invite
they opened. Over the limit an update is not handled (no answer, no audit row) and keeps no content in the
inbox; the first update over the limit in a window writes one audit row. Counted from the inbox itself
(`inbox_update.user_id`, indexed with `received_at`), so every process sees the same count.

Without it 450 updates from 3 strangers wrote 450 inbox rows with their texts and as many audit rows
(4.6 MB); the retention period (B12BOT_INBOX_RETENTION_DAYS) removes what is left of the inbox rows later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, literal, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.engine import Sessions
from storage.models import InboxUpdate, Invite, Patient, TeamMember

# Above the invite-guessing limit (services/link_guard.py: 20 unknown links an hour), so a person who
# mistypes a link still reads why it did not work; far below what a script sends.
STRANGER_LIMIT = 30
STRANGER_WINDOW = timedelta(hours=1)
LIMITED: dict[str, object] = {"limited": True}


USER: Any = bindparam("user")
NOW: Any = bindparam("now")
KNOWN = (  # built once: this runs for every update
    select(literal(1)).where(col(Patient.chat_id) == USER).limit(1),
    select(literal(1)).where(col(TeamMember.telegram_user_id) == USER, col(TeamMember.active).is_(True)).limit(1),
    select(literal(1))
    .where(col(Invite.opened_chat_id) == USER, col(Invite.used_at).is_(None), col(Invite.expires_at) > NOW)
    .limit(1),
)


async def _known(session: AsyncSession, user_id: int, now: datetime) -> bool:
    for query in KNOWN:
        if (await session.execute(query, {"user": user_id, "now": now})).first() is not None:
            return True
    return False


async def over_limit(sessions: Sessions, *, update_id: int, user_id: int | None, now: datetime) -> bool:
    """True when this update (already stored) is beyond the stranger limit of its sender: counted up to it, so
    a burst stored at once (one getUpdates) has its first STRANGER_LIMIT handled, not none."""
    if user_id is None:
        return False
    async with sessions() as session:
        if await _known(session, user_id, now):
            return False
        recent = (
            select(literal(1))
            .where(
                col(InboxUpdate.user_id) == user_id,
                col(InboxUpdate.received_at) > now - STRANGER_WINDOW,
                col(InboxUpdate.update_id) <= update_id,
            )
            .limit(STRANGER_LIMIT + 2)
            .subquery()
        )
        seen = int((await session.execute(select(func.count()).select_from(recent))).scalar_one())
        if seen == STRANGER_LIMIT + 1:  # the first one over: one audit row per window
            audit.record(session, at=now, actor=f"tg:{user_id}", action="updates.limited", outcome="refused",
                         detail={"reason": "stranger_limit", "limit": STRANGER_LIMIT})  # fmt: skip
            await session.commit()
    return seen > STRANGER_LIMIT
