"""Feeding stored updates to the Application, in order, each once.

Each update is kept, once handled, in its handled form (no texts: storage/updates.py), or as
{"erased": true} when its handler erased its sender (`Services.forget`). An update beyond the limit for
strangers (services/stranger_guard.py) is not handled and keeps nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.context import Services, services_of
from services.stranger_guard import LIMITED, over_limit
from storage import inbox
from storage.engine import checkpoint, is_sqlite
from storage.updates import ERASED, sender_ids

log = logging.getLogger(__name__)


async def receive(app: Application, updates: Sequence[dict[str, Any]]) -> list[int]:  # type: ignore[type-arg]
    """Store updates durably (duplicates ignored); returns the ids that were new."""
    s = services_of(app.bot_data)
    return await inbox.store(s.sessions, updates=updates, now=s.now())


async def _process(app: Application, update_id: int, payload: dict[str, Any]) -> inbox.Handled:  # type: ignore[type-arg]
    s = services_of(app.bot_data)
    if "ignored" in payload:  # a kind the bot does not handle (storage/updates.py): nothing to do
        return None, None
    if await over_limit(s.sessions, update_id=update_id, user_id=sender_ids(payload)[1], now=s.now()):
        return None, dict(LIMITED)
    try:
        await app.process_update(Update.de_json(payload, app.bot))
    except Exception as exc:  # a malformed stored update must not block the rest
        log.exception("update could not be processed", extra={"update_id": update_id})
        return type(exc).__name__, _forgotten(s, update_id)
    return None, _forgotten(s, update_id)


def _forgotten(s: Services, update_id: int) -> dict[str, Any] | None:
    if update_id in s.forget:
        s.forget.discard(update_id)
        return dict(ERASED)
    return None


async def _after_erasure(s: Services) -> None:
    if s.checkpoint_due:
        s.checkpoint_due = not await checkpoint(s.engine)


async def drain(app: Application, *, limit: int = 100) -> int:  # type: ignore[type-arg]
    """Process every stored update not yet processed (stopping early on shutdown). Returns how many.

    One drain at a time per process; on PostgreSQL each update is locked while it is handled, so
    several processes draining one inbox never handle the same update twice.
    """
    s = services_of(app.bot_data)
    done = 0
    async with s.draining:
        if not is_sqlite(s.settings.db_url):

            async def handle(update_id: int, payload: dict[str, Any]) -> inbox.Handled:
                return await _process(app, update_id, payload)

            while not s.stopping.is_set() and await inbox.process_next(s.sessions, handle=handle, clock=s.now):
                done += 1
            return done
        while not s.stopping.is_set() and (batch := await inbox.pending(s.sessions, limit=limit)):
            for update_id, payload in batch:
                if s.stopping.is_set():
                    break
                handled = await _process(app, update_id, payload)
                await inbox.mark_done(s.sessions, update_id=update_id, payload=payload, now=s.now(), handled=handled)
                await _after_erasure(s)
                done += 1
    return done


async def deliver_updates(app: Application, updates: Sequence[dict[str, Any]]) -> int:  # type: ignore[type-arg]
    """Store then process: the path every update takes, in polling, webhook and sandbox alike."""
    await receive(app, updates)
    return await drain(app)
