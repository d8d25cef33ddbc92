"""Logging: one JSON object per line (production) or plain text (the demo, a terminal).

Log calls carry ids in `extra={...}` (update_id, outbox_id, chat_id, ...), never message text,
health answers or the token; as a last guard anything shaped like a bot token is masked.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

TOKEN_SHAPE = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,}")
STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "color_message"}
# Loggers whose records would carry secrets or health data, and the level they are kept at: httpx and
# httpcore log request URLs (which hold the token) at INFO, uvicorn.access the webhook path; python-telegram-bot
# logs the API URL (the token), request parameters and whole updates (typed answers, aliases, invite tokens,
# the webhook secret) at DEBUG.
QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "uvicorn.access": logging.WARNING,
    "telegram": logging.INFO,
}


def mask(text: str) -> str:
    return TOKEN_SHAPE.sub("[token]", text)


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "logger": ..., "event": ..., <extra ids>}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": mask(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, int | float | bool | None) else mask(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__
            out["trace"] = mask(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def quiet_secret_loggers() -> None:
    """Keep the loggers in QUIET at their level, whatever the process's logging configuration."""
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: str, fmt: str = "text") -> None:
    """Our one stderr handler on the root logger (replacing the one a previous call added, if any)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.set_name("b12bot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "b12bot"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_secret_loggers()
    # "skipped: maximum number of running instances reached" every interval while a long tick runs: by design
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    # alembic says "Context impl SQLiteImpl." at INFO each time the schema is checked (every command):
    # shown only at DEBUG; `b12bot db upgrade` prints the revisions it went through itself
    logging.getLogger("alembic").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
