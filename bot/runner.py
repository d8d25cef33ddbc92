"""Running the bot for real: updates by long polling or webhook through the durable inbox, ticks on the job queue.

Shutdown (SIGTERM/SIGINT sets `stop`): stop receiving, stop claiming (`services.stopping`), let the tick
and the update in flight finish and record, stop the job queue, close. Nothing is held in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from typing import Any

from telegram import Update
from telegram.error import Conflict, NetworkError
from telegram.ext import Application, ContextTypes

from bot.context import services_of
from bot.httpserver import HttpServer
from bot.inbox import drain, receive
from bot.ticks import recover_after_restart, run_tick
from bot.web import make_web_app
from bot.webhook import Drainer, set_webhook
from storage.engine import is_sqlite
from storage.migrate import require_current

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
        app.bot.get_updates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES)
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


async def tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services_of(context.application.bot_data)
    if s.stopping.is_set():
        return
    started = time.perf_counter()
    await run_tick(context.application)
    s.telemetry.tick_done(s.now(), time.perf_counter() - started)


async def run_bot(app: App, *, stop: asyncio.Event, webhook: bool = False, http_port: int | None = None) -> None:
    s = services_of(app.bot_data)
    settings = s.settings
    await require_current(s.engine)
    async with app:
        s.telemetry.started_at = s.now()
        if webhook:
            await set_webhook(app)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
        if is_sqlite(settings.database_url):
            await recover_after_restart(app)
        await app.start()
        assert app.job_queue is not None
        app.job_queue.run_repeating(
            tick_job,
            interval=settings.b12bot_tick_seconds,
            first=0.5,
            job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )
        drainer = Drainer(app) if webhook else None
        server: HttpServer | None = None
        try:
            if webhook or http_port is not None:
                web = make_web_app(
                    app,
                    webhook_path=settings.webhook_path if webhook else None,
                    secret=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
                    on_update=drainer.wake if drainer else lambda: None,
                )
                server = await HttpServer.start(web, settings.listen, settings.port if webhook else http_port or 0)
                log.info("http server listening", extra={"listen": settings.listen, "port": server.port})
            log.info("b12bot running", extra={"bot": app.bot.username, "mode": "webhook" if webhook else "polling"})
            if drainer is not None:
                await drainer.run(stop)
            else:
                offset: int | None = None
                while not stop.is_set():
                    offset = await poll_once(app, offset, stop)
        finally:
            log.info("stopping: finishing the work in flight")
            s.stopping.set()
            if server is not None:
                await server.stop()
            await app.stop()  # waits for the tick in flight, then stops the job queue
    log.info("stopped")


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


async def run_polling(app: App, *, stop: asyncio.Event) -> None:
    await run_bot(app, stop=stop)
