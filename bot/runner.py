"""Running the bot for real: `b12bot run` checks the run settings, takes the SQLite lock and owns the
signals; updates come by long polling or webhook through the durable inbox, ticks on the job queue.

Shutdown (SIGTERM/SIGINT sets `stop`): stop receiving, stop claiming (`services.stopping`), let the tick
and the update in flight finish and record, stop the job queue, close. Nothing is held in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, ContextTypes

from bot.context import Services, services_of
from bot.polling import poll_once, poll_safely
from bot.sending.menus import set_default_menus
from bot.ticks import recover_after_restart, run_tick
from services import menus
from services.errors import UserError
from storage.engine import is_sqlite
from storage.migrate import require_current

if TYPE_CHECKING:  # bot.web (uvicorn, starlette) is imported only when a webhook or an HTTP port is asked for
    from bot.web import HttpServer

App = Application[Any, Any, Any, Any, Any, Any]
log = logging.getLogger(__name__)
__all__ = ["ConfigError", "install_signal_handlers", "poll_once", "run", "run_bot", "tick_job"]


async def _stopping_on(stop: asyncio.Event, stopping: asyncio.Event) -> None:
    """SIGTERM reaches the tick and the inbox drain at once, not only when the receiving loop unwinds."""
    await stop.wait()
    stopping.set()


async def tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services_of(context.application.bot_data)
    if s.stopping.is_set():
        return
    started = time.perf_counter()
    # under the rate limiter (30/s) a round of 100 takes ~3 s: far inside the 2-minute claim lease after
    # which another process would take the rows back as uncertain
    await run_tick(context.application, dispatch_limit=100 if s.settings.b12bot_rate_limiter else 500)
    s.telemetry.tick_done(s.now(), time.perf_counter() - started)


async def run_bot(app: App, *, stop: asyncio.Event, webhook: bool = False, http_port: int | None = None) -> None:
    s = services_of(app.bot_data)
    settings = s.settings
    await require_current(s.engine)
    if webhook or http_port is not None:
        from bot.web import Drainer, HttpServer, make_web_app, set_webhook
    async with app:
        s.telemetry.started_at = s.now()
        watcher = asyncio.ensure_future(_stopping_on(stop, s.stopping))
        if webhook:
            await set_webhook(app)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
        await set_default_menus(app.bot)  # the patients' menu, per language; team menus go through the outbox
        await menus.plan_all(s.sessions, now=s.now())
        if is_sqlite(settings.db_url):
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
                    offset = await poll_safely(app, offset, stop)
        finally:
            log.info("stopping: finishing the work in flight")
            s.stopping.set()
            watcher.cancel()
            if server is not None:
                await server.stop()
            await app.stop()  # waits for the tick in flight, then stops the job queue
    log.info("stopped")


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


class ConfigError(RuntimeError):
    pass


async def run(services: Services, *, webhook: bool, http_port: int | None) -> int:
    from bot.app import build_application
    from bot.lock import single_process

    settings = services.settings
    if settings.token is None:
        raise UserError("err_no_token")
    webhook = webhook or settings.b12bot_mode == "webhook"
    if webhook and (settings.webhook_url is None or settings.webhook_secret is None):
        raise ConfigError("webhook mode needs WEBHOOK_URL (https) and WEBHOOK_SECRET; see deploy/.env.example")
    with single_process(settings.db_url):
        stop = asyncio.Event()
        install_signal_handlers(stop)
        await run_bot(
            build_application(services), stop=stop, webhook=webhook, http_port=http_port or settings.b12bot_http_port
        )
    return 0
