"""What b12bot keeps for a while only, pruned by the tick (docs/data.md, "How long"). Takes `now`; no clock.

- handled inbox rows (Telegram updates), after the retention period (B12BOT_INBOX_RETENTION_DAYS);
- notices sent to a chat with no patient row behind it (a discharge goodbye, the last message after an
  erasure retried, a team's notice of an erasure), after the same period;
- the answers of an /enrol dialogue left idle past its end (alias, baseline B12, ...), at once; any dialogue
  idle for a day, whole (not an erasure waiting to be tried again).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from schedules import agenda
from storage.engine import Sessions
from storage.queries import dialogues as dialogues_q
from storage.queries import inbox as inbox_q
from storage.queries import outbox as outbox_q
from storage.status import OutboxStatus

DIALOGUE_ENDS = timedelta(minutes=30)  # /enrol, /time, /timezone and the erasure question end 30 minutes idle
DIALOGUE_KEPT = timedelta(days=1)  # the row of an ended dialogue (its step, no answers), so a late reply is told
NOTICES = ("notice", "team_notice")
DONE = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED, OutboxStatus.EXPIRED)


async def prune(sessions: Sessions, *, now: datetime, inbox_days: int) -> dict[str, int]:
    cutoff = now - timedelta(days=inbox_days)
    async with sessions() as session:
        counts = {
            "inbox": await inbox_q.delete_handled_before(session, cutoff=cutoff),
            "notices": await agenda.purge(
                session, *outbox_q.done_notices_before(kinds=NOTICES, statuses=DONE, before=cutoff)
            ),
            "dialogues_blanked": await dialogues_q.blank_idle(session, kind="enrol", before=now - DIALOGUE_ENDS),
            "dialogues": await dialogues_q.delete_idle(session, before=now - DIALOGUE_KEPT),
        }
        await session.commit()
    return counts
