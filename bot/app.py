"""The wiring: the services built once from settings (failing fast on bad configuration), and the real
python-telegram-bot Application configured with them."""

from __future__ import annotations

import os
import socket

import httpx
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot import logs
from bot.context import KEY, Clock, Services, system_clock
from bot.handlers import register
from bot.logs import quiet_secret_loggers
from bot.settings import Settings
from care.protocol import load_protocol
from storage.engine import make_engine, make_sessions

RATE_LIMIT_RETRIES = 3
CONNECTION_POOL = 32
POOL_TIMEOUT = 10.0  # waiting for a free connection is not a timeout of Telegram's (PTB reports both as TimedOut)
SANDBOX_TOKEN = "123456789:sandbox-token-for-the-local-stand-in-only"  # noqa: S105  (not a secret: only the stand-in sees it)


def build_application(services: Services, *, request: BaseRequest | None = None) -> Application:  # type: ignore[type-arg]
    quiet_secret_loggers()  # the app is safe to run under any logging configuration (tests, embedding)
    settings = services.settings
    token = settings.token or (SANDBOX_TOKEN if request is not None else None)
    if token is None:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    builder = ApplicationBuilder().token(token).base_url(settings.telegram_api_base_url).updater(None)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # a small pool: httpcore scans every pooled connection for each request, so PTB's default of
        # 256 costs milliseconds of CPU per message; the dispatcher keeps at most a slice in flight.
        # One TLS context (httpx's default: the CA bundle, ~0.8 MB once loaded) for both of PTB's clients.
        tls = {"verify": httpx.create_ssl_context()}
        main = HTTPXRequest(connection_pool_size=CONNECTION_POOL, pool_timeout=POOL_TIMEOUT, httpx_kwargs=tls)
        polling = HTTPXRequest(connection_pool_size=1, httpx_kwargs=tls)  # what ApplicationBuilder gives getUpdates
        builder = builder.request(main).get_updates_request(polling)
    if settings.b12bot_rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))  # type: ignore[arg-type]
    app = builder.build()
    app.bot_data[KEY] = services
    register(app)
    return app


def build_services(settings: Settings, *, clock: Clock = system_clock, worker: str | None = None) -> Services:
    protocol = load_protocol(settings.b12bot_protocol_file)
    engine = make_engine(settings.db_url)
    return Services(
        settings=settings,
        protocol=protocol,
        engine=engine,
        sessions=make_sessions(engine, audit_key=settings.audit_key),
        clock=clock,
        worker=worker or f"{socket.gethostname()}:{os.getpid()}",
    )


def configure_logging(level: str, fmt: str = "text") -> None:
    """Text or JSON lines on stderr; httpx and httpcore at WARNING (they log URLs, which hold the token)."""
    logs.configure_logging(level, fmt)
