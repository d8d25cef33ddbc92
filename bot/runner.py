"""Running the bot for real: long polling through the durable inbox, ticks on the job queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application

from bot.context import services_of
from bot.inbox import drain, receive
from bot.ticks import recover_after_restart, tick_job
from storage.engine import is_sqlite
from storage.migrate import require_current

log = logging.getLogger(__name__)
POLL_TIMEOUT = 20


async def poll_once(app: Application, offset: int | None) -> int | None:  # type: ignore[type-arg]
    """One getUpdates round: store what came, then confirm it (the next offset), then process."""
    try:
        updates = await app.bot.get_updates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES)
    except (TimedOut, NetworkError) as exc:
        log.warning("getUpdates failed: %s", type(exc).__name__)
        await asyncio.sleep(1)
        return offset
    if updates:
        await receive(app, [u.to_dict() for u in updates])
        offset = max(u.update_id for u in updates) + 1
    await drain(app)
    return offset


async def run_polling(app: Application, *, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    s = services_of(app.bot_data)
    await require_current(s.engine)
    async with app:
        await app.bot.delete_webhook(drop_pending_updates=False)
        if is_sqlite(s.settings.database_url):
            await recover_after_restart(app)
        await app.start()
        assert app.job_queue is not None
        app.job_queue.run_repeating(
            tick_job,
            interval=s.settings.b12bot_tick_seconds,
            first=0.5,
            job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )
        log.info("b12bot polling as @%s", app.bot.username)
        offset: int | None = None
        while not stop.is_set():
            poll = asyncio.ensure_future(poll_once(app, offset))
            waiter = asyncio.ensure_future(stop.wait())
            await asyncio.wait({poll, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if poll.done():
                offset = poll.result()
                waiter.cancel()
            else:
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poll
        log.info("stopping")
        await app.stop()


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
