"""What the `b12bot` command line prints when it cannot go on: one line on stderr, never a traceback.

Settings errors are sentences naming the variable (pydantic's "Value error, ..." and "Input should be..."
rewritten); a database that fails after it was reached, Telegram out of reach or refusing the token, and a
file that cannot be written each get one line. Secrets (the token, the database password) are never shown.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken, NetworkError

from bot.logs import mask
from bot.texts import t

# pydantic error type -> catalogue key of the sentence (placeholders: name and the error's context)
SENTENCES = {
    "float_parsing": "err_setting_number",
    "float_type": "err_setting_number",
    "int_parsing": "err_setting_whole",
    "int_type": "err_setting_whole",
    "int_from_float": "err_setting_whole",
    "bool_parsing": "err_setting_bool",
    "greater_than_equal": "err_setting_ge",
    "less_than_equal": "err_setting_le",
    "greater_than": "err_setting_gt",
    "less_than": "err_setting_lt",
    "literal_error": "err_setting_choice",
    "extra_forbidden": "err_setting_unknown",
    "missing": "err_setting_missing",
}


def _setting(error: Any, *, env: bool = True) -> str:
    name = ".".join(str(x) for x in error["loc"])
    name = name.upper() if env else name
    message = str(error["msg"]).removeprefix("Value error, ")
    key = SENTENCES.get(str(error["type"]))
    if key is not None:
        return t(key, name=name, **{k: v for k, v in (error.get("ctx") or {}).items() if k != "error"})
    return message if message.startswith(name) else f"{name}: {message}"


def bad_settings(exc: ValidationError) -> str:
    """One line: every bad setting as a sentence."""
    return t("err_settings", problems="; ".join(_setting(e) for e in exc.errors()))


def bad_protocol(exc: ValidationError, path: object) -> str:
    """One line: every bad key of the protocol file (B12BOT_PROTOCOL_FILE) as a sentence."""
    problems = "; ".join(_setting(e, env=False) for e in exc.errors())
    return t("err_protocol", path=str(path), problems=problems)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return mask(text[0]) if text else type(exc).__name__


def one_line(exc: BaseException, *, api_base: str, password: str | None) -> str | None:
    """The line for an error the operator can act on, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, InvalidToken):
        return t("err_telegram_token")
    if isinstance(exc, NetworkError):  # TimedOut too: Telegram (or TELEGRAM_API_BASE_URL) out of reach
        return t("err_telegram_unreachable", url=api_base, reason=_first_line(exc))
    if isinstance(exc, SQLAlchemyError):
        reason = _first_line(exc)
        return t("err_database", reason=reason.replace(password, "***") if password else reason)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return t("err_file", reason=exc.strerror or type(exc).__name__, where=where)
    return None


class ListenError(RuntimeError):
    """The HTTP server (bot/web.py) cannot listen: named here so that the CLI catches it without importing
    the web server (uvicorn, starlette) into every command (issue 17)."""
