"""Feeding stored updates to the Application, in order, each once, one transaction each: the handler's first
commit marks the update handled (storage/unit.py); a handler that commits nothing is marked here.

Each update is kept, once handled, in its handled form (no texts: storage/updates.py), or as
{"erased": true} when its handler erased its sender (`Services.forget`). An update beyond the limit for
strangers (services/stranger_guard.py) is not handled and keeps nothing; a press on a dose reminder leaves
that check to its handler (bot/inbox_guard.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram import Update
from telegram.ext import Application

from bot.context import Services, services_of
from bot.inbox_guard import left_to_handler
from services.stranger_guard import LIMITED, over_limit
from storage import inbox
from storage.engine import checkpoint, is_sqlite
from storage.unit import CLAIM, Claim
from storage.updates import ERASED, sender_ids

log = logging.getLogger(__name__)


async def receive(app: Application, updates: Sequence[dict[str, Any]]) -> list[int]:  # type: ignore[type-arg]
    """Store updates durably, a batch in one statement (duplicates ignored); returns the ids that were new."""
    s = services_of(app.bot_data)
    return await s.inbox.store(s.engine, updates, s.now())


async def _process(app: Application, update_id: int, payload: dict[str, Any], claim: Claim) -> inbox.Handled:  # type: ignore[type-arg]
    s = services_of(app.bot_data)
    if "ignored" in payload:  # a kind the bot does not handle (storage/updates.py): nothing to do
        return None, None
    guard = partial(over_limit, s.sessions, update_id=update_id, user_id=sender_ids(payload)[1], now=s.now())
    if left_to_handler(payload):
        claim.guard = guard
    elif await guard():
        return None, dict(LIMITED)
    claim.armed = True  # the handler's first commit marks the update handled (storage/unit.py)
    try:
        await app.process_update(Update.de_json(payload, app.bot))
    except Exception as exc:  # a malformed stored update must not block the rest
        log.exception("update could not be processed", extra={"update_id": update_id})
        return type(exc).__name__, _forgotten(s, claim)
    finally:
        claim.armed = False
    return None, _forgotten(s, claim)


def _forgotten(s: Services, claim: Claim) -> dict[str, Any] | None:
    """What the update keeps instead of its handled form: nothing (limited), `ERASED`, or None (handled form)."""
    update_id = claim.update_id
    if claim.limited:
        return dict(LIMITED)
    if update_id in s.forget:
        s.forget.discard(update_id)
        return dict(ERASED)
    return None


async def _handle(app: Application, update_id: int, payload: dict[str, Any], conn: AsyncConnection | None) -> None:  # type: ignore[type-arg]
    """Handle one stored update and mark it handled: by the handler's own commit when it writes, else here."""
    s = services_of(app.bot_data)
    claim = Claim(update_id, inbox.mark(update_id, payload, s.now()), conn)
    token = CLAIM.set(claim)
    try:
        handled = await _process(app, update_id, payload, claim)
    finally:
        claim.done = True
        CLAIM.reset(token)
    if claim.marked and handled == (None, None):
        return
    stmt, params = inbox.mark(update_id, payload, s.now(), handled, waiting=not claim.marked)
    if conn is None:
        async with s.sessions() as session:
            await session.execute(stmt, params)
            await session.commit()
    else:
        await conn.execute(stmt, params)
        await conn.commit()
    if s.checkpoint_due:  # after an erasure: the WAL keeps no page image of what it erased
        s.checkpoint_due = not await checkpoint(s.engine)


async def _drain_postgres(app: Application) -> int:  # type: ignore[type-arg]
    """Several processes may drain one inbox: each update is locked while it is handled, on one connection
    that the handler's sessions share; a lost connection is replaced once (the update was not marked)."""
    s = services_of(app.bot_data)
    done = 0
    for attempt in (1, 2):
        try:
            async with s.engine.connect() as conn:
                while not s.stopping.is_set():
                    stored = s.inbox.stored
                    if (row := await inbox.claim_next(conn)) is None:  # what was stored before is handled
                        s.inbox.drained = max(s.inbox.drained, stored)  # (or held by another process)
                        break
                    await _handle(app, row[0], row[1], conn)
                    done += 1
                return done
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("database connection lost while draining the inbox; retrying on a new one")
    return done


async def drain(app: Application, *, limit: int = 100, stored: int = 0) -> int:  # type: ignore[type-arg]
    """Handle every stored update not yet handled, in id order, each once (stopping early on shutdown).
    One drain at a time per process. Returns how many. `stored`: nothing to do if a drain that ended after
    this many finished stores found nothing left (PostgreSQL: presses that arrive together need one drain, not
    one each, with its empty claim: BEGIN, SELECT, ROLLBACK)."""
    s = services_of(app.bot_data)
    done = 0
    async with s.draining:
        if not is_sqlite(s.settings.db_url):
            return 0 if stored and s.inbox.drained >= stored else await _drain_postgres(app)
        try:
            while not s.stopping.is_set() and (batch := await s.inbox.next_batch(s.sessions, limit)):
                for update_id, payload in batch:
                    if s.stopping.is_set():
                        s.inbox.forget()  # the rest of the batch waits in the inbox
                        break
                    await _handle(app, update_id, payload, None)
                    done += 1
        except BaseException:
            s.inbox.forget()
            raise
    return done


async def deliver_updates(app: Application, updates: Sequence[dict[str, Any]]) -> int:  # type: ignore[type-arg]
    """Store then process: the path every update takes, in polling, webhook and sandbox alike."""
    await receive(app, updates)
    return await drain(app, stored=services_of(app.bot_data).inbox.stored)
