"""What of a Telegram update the inbox keeps: plain dict functions, no Telegram library, no I/O.

- Only the update kinds the bot handles are asked for (`ALLOWED_UPDATES`) and stored; any other kind that
  arrives anyway is kept as its update id and kind only (`store_form`).
- A `/start <argument>` is stored with the argument replaced by its sha256 (`~<hex>`): the raw invite or join
  token never reaches the database, and the handler looks the invite up by that hash (`start_digest`).
  Any other 43-character run that could be a token, anywhere in a text, is masked too.
- Once an update has been handled it keeps no text (`handled_form`): a command keeps its word, the bot's own
  message quoted in a button press keeps its ids only. Names and ids stay (replays, limits) until erasure
  or the retention period.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

ALLOWED_UPDATES: tuple[str, ...] = ("message", "callback_query", "my_chat_member")
TOKEN_RUN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
DIGEST = re.compile(r"~[0-9a-f]{64}")
MASKED = "~masked"
ERASED: dict[str, Any] = {"erased": True}
TEXT_KEYS = ("text", "caption")
DROPPED_KEYS = ("entities", "caption_entities", "reply_markup", "quote", "link_preview_options")


def kind_of(update: dict[str, Any]) -> str | None:
    return next((k for k, v in update.items() if k != "update_id" and isinstance(v, dict)), None)


def sender_ids(update: dict[str, Any]) -> tuple[int | None, int | None]:
    """(chat id, sender's user id) of an update, each None when it has none."""
    kind = kind_of(update)
    body: dict[str, Any] = update.get(kind, {}) if kind else {}
    chat = body.get("chat") or (body.get("message") or {}).get("chat") or {}
    user = body.get("from") or body.get("user") or {}
    return _id(chat.get("id")), _id(user.get("id"))


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def digest(argument: str) -> str:
    return "~" + hashlib.sha256(argument.encode("utf-8", "replace")).hexdigest()


def start_digest(argument: str) -> str | None:
    """The token hash a stored `/start` argument stands for, or None when it is not one `store_form` made."""
    return argument[1:] if DIGEST.fullmatch(argument) else None


def _mask_text(text: str) -> str:
    words = text.split(maxsplit=1)
    if words and words[0].split("@", 1)[0] == "/start" and len(words) == 2:
        argument = words[1].strip()
        shaped = re.fullmatch(r"[A-Za-z0-9_-]{43}", argument) is not None
        return f"{text[: len(text) - len(words[1])]}{digest(argument) if shaped else MASKED}"
    return TOKEN_RUN.sub(MASKED, text)


def _walk(value: Any, on_text: Callable[[str], str | None], drop: tuple[str, ...] = ()) -> Any:
    """A copy of `value` with every text and caption passed through `on_text` (None: left out), `drop` left out."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in drop:
                continue
            if key in TEXT_KEYS and isinstance(item, str):
                kept = on_text(item)
                if kept is not None:
                    out[key] = kept
            else:
                out[key] = _walk(item, on_text, drop)
        return out
    if isinstance(value, list):
        return [_walk(item, on_text, drop) for item in value]
    return value


def store_form(update: dict[str, Any]) -> dict[str, Any]:
    """The payload to store: an unhandled kind reduced to its id and kind; tokens masked in every text."""
    kind = kind_of(update)
    if kind not in ALLOWED_UPDATES:
        return {"update_id": update.get("update_id"), "ignored": kind or "none"}
    result: dict[str, Any] = _walk(update, _mask_text)
    return result


def _command_word(text: str) -> str | None:
    return text.split(maxsplit=1)[0] if text.startswith("/") and text.strip() else None


def handled_form(update: dict[str, Any]) -> dict[str, Any]:
    """The payload kept once the update has been handled: no text (a command keeps its word), no keyboards."""
    result: dict[str, Any] = _walk(update, _command_word, DROPPED_KEYS)
    return result


def mentions(payload: Any, ids: set[int]) -> bool:
    """True when any user or chat object inside the payload (at any depth) has one of these ids."""
    if isinstance(payload, dict):
        for item in payload.values():
            if isinstance(item, dict) and _id(item.get("id")) in ids:
                return True
            if mentions(item, ids):
                return True
        return False
    if isinstance(payload, list):
        return any(mentions(item, ids) for item in payload)
    return False
