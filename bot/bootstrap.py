"""Building the services from settings: once, at start-up, failing fast on bad configuration."""

from __future__ import annotations

import logging
import os
import socket

from bot.context import Clock, Services, system_clock
from bot.settings import Settings
from care.protocol import load_protocol
from storage.engine import make_engine, make_sessions


def build_services(settings: Settings, *, clock: Clock = system_clock, worker: str | None = None) -> Services:
    protocol = load_protocol(settings.b12bot_protocol_file)
    engine = make_engine(settings.database_url)
    return Services(
        settings=settings,
        protocol=protocol,
        engine=engine,
        sessions=make_sessions(engine),
        clock=clock,
        worker=worker or f"{socket.gethostname()}:{os.getpid()}",
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)
