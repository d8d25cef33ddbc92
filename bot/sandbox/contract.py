"""The Telegram side of the stand-in's contract.

This module holds the Telegram side of the contract that needs no state: the records the stand-in
keeps, its errors, reply markup as Telegram reads it, and how a stored bot message is rendered as a
Message object. Where the spec lives and the per-call rules it implies are bot/sandbox/spec.py.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

JSON = dict[str, Any]
# the files of a multipart request: name -> (file name, content, MIME type), as python-telegram-bot sends them
Files = Mapping[str, tuple[str, bytes | IO[bytes], str]]


@dataclass
class ApiCall:
    method: str
    params: JSON
    status: int  # HTTP status answered; 0 if do_request raised before answering
    raised: str | None = None  # name of the exception do_request raised, if any


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str | None  # the text, or the caption of a photo/document
    reply_markup: JSON | None
    kind: str  # "text" | "photo" | "document"
    date: datetime
    file_bytes: bytes | None = None
    filename: str | None = None
    file_ref: str | None = None  # file_id / URL when the file was sent by reference
    parse_mode: str | None = None
    edits: int = 0
    deleted: bool = False


class ApiError(Exception):
    """An error answer; ``refusal`` marks a call that broke the API contract (a bot bug)."""

    def __init__(self, status: int, description: str, *, refusal: bool = False, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.refusal = status, description, refusal
        self.parameters = parameters  # ResponseParameters, e.g. {"migrate_to_chat_id": ...}


def bad(description: str, *, refusal: bool = False) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", refusal=refusal)


def parse_markup(params: JSON) -> JSON | None:
    """reply_markup as a dict; PTB passes a dict, raw API calls may pass a JSON string."""
    raw = params.get("reply_markup")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raw = []
    if raw is not None and not isinstance(raw, dict):
        raise bad("can't parse reply keyboard markup JSON object", refusal=True)
    return raw


def render_message(msg: SentMessage, chat: JSON, bot_user: JSON, edit_date: int | None = None) -> JSON:
    """The Message object Telegram returns for (or embeds in a callback_query) a bot message."""
    out: JSON = {
        "message_id": msg.message_id,
        "date": int(msg.date.timestamp()),
        "chat": chat,
        "from": bot_user,
    }
    if msg.edits and edit_date is not None:
        out["edit_date"] = edit_date
    meta: JSON = {
        "file_id": msg.file_ref or f"sandbox-file-{msg.chat_id}-{msg.message_id}",
        "file_unique_id": f"u{msg.chat_id}_{msg.message_id}",
        "file_size": len(msg.file_bytes or b""),
    }
    if msg.kind == "photo":
        out["photo"] = [{**meta, "width": 512, "height": 512}]
    elif msg.kind == "document":
        suffix = Path(msg.filename or "").suffix.lower()
        mime = {".pdf": "application/pdf", ".png": "image/png", ".txt": "text/plain"}.get(suffix)
        out["document"] = {
            **meta,
            "file_name": msg.filename or "file",
            "mime_type": mime or "application/octet-stream",
        }
    if msg.text is not None:
        out["text" if msg.kind == "text" else "caption"] = msg.text
    if msg.reply_markup and "inline_keyboard" in msg.reply_markup:  # Telegram returns inline keyboards only
        out["reply_markup"] = msg.reply_markup
    return out


class Records:
    """Everything the stand-in saw and did (mixed into BotApiStandIn).

    `keep=False` (a long simulation: 1,000 patients x 24 weeks make ~1.2 million calls of ~1.5 KB each):
    a call is held only until `take_calls()` hands it on (the simulator takes them at every moment, for its
    transcript or for nothing) and callback answers are not kept; every call is still counted (`count`).
    The messages themselves are always kept: the bot may edit or delete any of them later."""

    def __init__(self, *, keep: bool = True) -> None:
        self.keep = keep
        self.counted: Counter[str] = Counter()  # every call by method, kept or not
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.by_chat: dict[int, list[SentMessage]] = {}  # the same messages per chat, in the order sent
        self.sent: list[SentMessage] = []  # the same messages, every chat, in the order sent
        self.callback_answers: list[tuple[str, str | None, bool]] = []  # (query id, text, show_alert)
        self.refusals = 0
        self.last_refusal: str | None = None

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return list(self.by_chat.get(chat_id, ()))

    def last_to(self, chat_id: int) -> SentMessage | None:
        sent = self.by_chat.get(chat_id)
        return sent[-1] if sent else None

    def texts_to(self, chat_id: int) -> list[str | None]:
        return [m.text for m in self.sent_to(chat_id)]

    def count(self, method: str) -> int:
        """How many calls of `method` the stand-in answered (or refused), since it was made."""
        return self.counted[method]

    def take_calls(self) -> list[ApiCall]:
        """The calls held since the last take, handed on; not kept here when `keep` is False."""
        calls = self.calls
        if not self.keep:
            self.calls = []
        return calls
