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

from storage import audit
from storage.engine import Sessions
from storage.queries import senders as senders_q

# Above the invite-guessing limit (services/link_guard.py: 20 unknown links an hour), so a person who
# mistypes a link still reads why it did not work; far below what a script sends.
STRANGER_LIMIT = 30
STRANGER_WINDOW = timedelta(hours=1)
LIMITED: dict[str, object] = {"limited": True}


async def over_limit(sessions: Sessions, *, update_id: int, user_id: int | None, now: datetime) -> bool:
    """True when this update (already stored) is beyond the stranger limit of its sender: counted up to it, so
    a burst stored at once (one getUpdates) has its first STRANGER_LIMIT handled, not none."""
    if user_id is None:
        return False
    async with sessions() as session:
        if await senders_q.known(session, user_id=user_id, now=now):
            return False
        seen = await senders_q.recent_updates(
            session, user_id=user_id, since=now - STRANGER_WINDOW, up_to=update_id, limit=STRANGER_LIMIT + 2
        )
        if seen == STRANGER_LIMIT + 1:  # the first one over: one audit row per window
            audit.record(session, at=now, actor=f"tg:{user_id}", action="updates.limited", outcome="refused",
                         detail={"reason": "stranger_limit", "limit": STRANGER_LIMIT})  # fmt: skip
            await session.commit()
    return seen > STRANGER_LIMIT
