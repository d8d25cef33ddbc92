"""Building the services from settings: once, at start-up, failing fast on bad configuration."""

from __future__ import annotations

import os
import socket

from bot import logs
from bot.context import Clock, Services, system_clock
from bot.settings import Settings
from care.protocol import load_protocol
from storage.engine import make_engine, make_sessions


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
