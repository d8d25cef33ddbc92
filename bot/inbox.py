"""Feeding stored updates to the Application, in order, each once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.context import services_of
from storage import inbox

log = logging.getLogger(__name__)


async def receive(app: Application, updates: Sequence[dict[str, Any]]) -> list[int]:  # type: ignore[type-arg]
    """Store updates durably (duplicates ignored); returns the ids that were new."""
    s = services_of(app.bot_data)
    return await inbox.store(s.sessions, updates=updates, now=s.now())


async def drain(app: Application, *, limit: int = 100) -> int:  # type: ignore[type-arg]
    """Process every stored update not yet processed. Returns how many were processed."""
    s = services_of(app.bot_data)
    done = 0
    while batch := await inbox.pending(s.sessions, limit=limit):
        for update_id, payload in batch:
            try:
                await app.process_update(Update.de_json(payload, app.bot))
                error = None
            except Exception as exc:  # a malformed stored update must not block the rest
                log.exception("update %s could not be processed", update_id)
                error = type(exc).__name__
            await inbox.mark_done(s.sessions, update_id=update_id, now=s.now(), error=error)
            done += 1
    return done


async def deliver_updates(app: Application, updates: Sequence[dict[str, Any]]) -> int:  # type: ignore[type-arg]
    """Store then process: the path every update takes, in polling, webhook and sandbox alike."""
    await receive(app, updates)
    return await drain(app)
