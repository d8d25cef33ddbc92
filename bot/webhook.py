"""Webhook mode: register the webhook with Telegram, and process stored updates as they arrive."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.ext import Application

from bot.context import services_of
from bot.inbox import drain
from storage.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)
IDLE_SECONDS = 5.0  # drain at least this often even if no request woke us (another process stored updates)


async def set_webhook(app: Application) -> None:  # type: ignore[type-arg]
    settings = services_of(app.bot_data).settings
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise RuntimeError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    await app.bot.set_webhook(
        url=settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=list(ALLOWED_UPDATES),  # only the kinds the handlers take
        drop_pending_updates=False,
    )
    log.info("webhook set", extra={"url": settings.webhook_url})


class Drainer:
    """Processes the inbox after each webhook request (woken), and every few seconds anyway."""

    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.app = app
        self.woken = asyncio.Event()

    def wake(self) -> None:
        self.woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: the update being processed when it is set is finished, the rest waits in the inbox."""
        while not stop.is_set():
            self.woken.clear()
            try:
                await drain(self.app)
            except Exception:  # the database may be away for a moment; the inbox keeps the updates
                log.exception("draining the inbox failed; retrying")
            waiters = {asyncio.ensure_future(self.woken.wait()), asyncio.ensure_future(stop.wait())}
            await asyncio.wait(waiters, timeout=IDLE_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
