"""`b12bot run`: check the run settings, take the SQLite lock, own the signals, run until SIGTERM."""

from __future__ import annotations

import asyncio

from bot.context import Services
from bot.services.errors import UserError


class ConfigError(RuntimeError):
    pass


async def run(services: Services, *, webhook: bool, http_port: int | None) -> int:
    from bot.app import build_application
    from bot.lock import single_process
    from bot.runner import install_signal_handlers, run_bot

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
