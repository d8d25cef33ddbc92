"""Long polling through the durable inbox: store what getUpdates brought, confirm it (the next offset), process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, NetworkError
from telegram.ext import Application

from bot.inbox import drain, receive
from storage.updates import ALLOWED_UPDATES

App = Application[Any, Any, Any, Any, Any, Any]
log = logging.getLogger(__name__)
POLL_TIMEOUT = 20
RETRY_SECONDS = 1.0


async def _wait(stop: asyncio.Event | None, seconds: float) -> None:
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _get_updates(app: App, offset: int | None, stop: asyncio.Event | None) -> list[Update]:
    """getUpdates, given up (nothing confirmed, nothing lost) when `stop` is set meanwhile."""
    call = asyncio.ensure_future(
        app.bot.get_updates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES))
    )
    if stop is None:
        return list(await call)
    waiter = asyncio.ensure_future(stop.wait())
    await asyncio.wait({call, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if not call.done():
        call.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await call
        return []
    return list(call.result())


async def poll_once(app: App, offset: int | None, stop: asyncio.Event | None = None) -> int | None:
    """One getUpdates round: store what came, then confirm it (the next offset), then process."""
    try:
        updates = await _get_updates(app, offset, stop)
    except (NetworkError, Conflict) as exc:  # Conflict: another process polls too (or a webhook is set)
        log.warning("getUpdates failed", extra={"error": type(exc).__name__})
        await _wait(stop, RETRY_SECONDS)
        return offset
    if updates:
        await receive(app, [u.to_dict() for u in updates])
        offset = max(u.update_id for u in updates) + 1
    await drain(app)
    return offset


async def poll_safely(app: App, offset: int | None, stop: asyncio.Event) -> int | None:
    try:
        return await poll_once(app, offset, stop)
    except Exception:  # e.g. the database is away: nothing was confirmed to Telegram, so nothing is lost
        log.exception("polling round failed; retrying")
        await _wait(stop, RETRY_SECONDS)
        return offset
