"""Guessing invite tokens: a chat that opened too many unknown links lately is refused for a while.

The count comes from the audit trail (refused link opens with reason "unknown"), so every process sees
the same count and it survives a restart; the query is bounded by the index on `audit_event.at`.
Tokens carry 256 random bits, so guessing cannot succeed anyway; the limit keeps a script from using
the bot (and its database) as a guessing oracle, and tells a person who mistypes what to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.queries import audit as audit_q

# A patient who mistypes or half-copies a link tries a few times; twenty in an hour leaves ample room.
GUESS_LIMIT = 20
# Long enough that a script gets at most 240 guesses a day per chat; short enough that a person who hit
# the limit by mistake can open their real link the same morning.
GUESS_WINDOW = timedelta(hours=1)


async def limited(session: AsyncSession, *, actor: str, now: datetime) -> bool:
    """True when `actor` (tg:<user id>: a private chat) opened GUESS_LIMIT unknown links in the window."""
    count = await audit_q.unknown_link_opens(session, actor=actor, since=now - GUESS_WINDOW, limit=GUESS_LIMIT)
    return count >= GUESS_LIMIT
