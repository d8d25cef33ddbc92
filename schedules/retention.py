"""What b12bot keeps for a while only, pruned by the tick (docs/data.md, "How long"). Takes `now`; no clock.

- handled inbox rows (Telegram updates), after the retention period (B12BOT_INBOX_RETENTION_DAYS);
- notices sent to a chat with no patient row behind it (a discharge goodbye, the last message after an
  erasure retried, a team's notice of an erasure), after the same period;
- the answers of an /enrol dialogue left idle past its end (alias, baseline B12, ...), at once; any dialogue
  idle for a day, whole (not an erasure waiting to be tried again).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col

from schedules import agenda
from storage.engine import Sessions
from storage.models import Dialogue, InboxUpdate, Outbox
from storage.status import OutboxStatus

DIALOGUE_ENDS = timedelta(minutes=30)  # /enrol, /time, /timezone and the erasure question end 30 minutes idle
DIALOGUE_KEPT = timedelta(days=1)  # the row of an ended dialogue (its step, no answers), so a late reply is told
NOTICES = ("notice", "team_notice")
DONE = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED, OutboxStatus.EXPIRED)


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def prune(sessions: Sessions, *, now: datetime, inbox_days: int) -> dict[str, int]:
    cutoff = now - timedelta(days=inbox_days)
    waiting = (col(Dialogue.kind) == "erase") & (col(Dialogue.step) == "retry")
    async with sessions() as session:
        counts = {
            "inbox": _count(await session.execute(delete(InboxUpdate).where(col(InboxUpdate.processed_at) < cutoff))),
            "notices": await agenda.purge(
                session,
                col(Outbox.patient_id).is_(None),
                col(Outbox.kind).in_(NOTICES),
                col(Outbox.status).in_(DONE),
                col(Outbox.created_at) < cutoff,
            ),
            "dialogues_blanked": _count(
                await session.execute(
                    update(Dialogue)
                    .where(col(Dialogue.kind) == "enrol", col(Dialogue.updated_at) < now - DIALOGUE_ENDS)
                    .values(data={})
                )
            ),
            "dialogues": _count(
                await session.execute(delete(Dialogue).where(col(Dialogue.updated_at) < now - DIALOGUE_KEPT, ~waiting))
            ),
        }
        await session.commit()
    return counts
