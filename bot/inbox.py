"""Feeding stored updates to the Application, in order, each once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.context import services_of
from storage import inbox
from storage.engine import is_sqlite

log = logging.getLogger(__name__)


async def receive(app: Application, updates: Sequence[dict[str, Any]]) -> list[int]:  # type: ignore[type-arg]
    """Store updates durably (duplicates ignored); returns the ids that were new."""
    s = services_of(app.bot_data)
    return await inbox.store(s.sessions, updates=updates, now=s.now())


async def _process(app: Application, update_id: int, payload: dict[str, Any]) -> str | None:  # type: ignore[type-arg]
    try:
        await app.process_update(Update.de_json(payload, app.bot))
    except Exception as exc:  # a malformed stored update must not block the rest
        log.exception("update could not be processed", extra={"update_id": update_id})
        return type(exc).__name__
    return None


async def drain(app: Application, *, limit: int = 100) -> int:  # type: ignore[type-arg]
    """Process every stored update not yet processed (stopping early on shutdown). Returns how many.

    One drain at a time per process; on PostgreSQL each update is locked while it is handled, so
    several processes draining one inbox never handle the same update twice.
    """
    s = services_of(app.bot_data)
    done = 0
    async with s.draining:
        if not is_sqlite(s.settings.db_url):

            async def handle(update_id: int, payload: dict[str, Any]) -> str | None:
                return await _process(app, update_id, payload)

            while not s.stopping.is_set() and await inbox.process_next(s.sessions, handle=handle, clock=s.now):
                done += 1
            return done
        while not s.stopping.is_set() and (batch := await inbox.pending(s.sessions, limit=limit)):
            for update_id, payload in batch:
                if s.stopping.is_set():
                    break
                error = await _process(app, update_id, payload)
                await inbox.mark_done(s.sessions, update_id=update_id, now=s.now(), error=error)
                done += 1
    return done


async def deliver_updates(app: Application, updates: Sequence[dict[str, Any]]) -> int:  # type: ignore[type-arg]
    """Store then process: the path every update takes, in polling, webhook and sandbox alike."""
    await receive(app, updates)
    return await drain(app)
