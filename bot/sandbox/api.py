"""``BotApiStandIn``: a ``telegram.request.BaseRequest`` that answers Bot API calls in-process.

The real ``telegram.Bot`` / ``Application`` run unchanged on top of it::

    standin = BotApiStandIn(default_spec_path())
    app = ApplicationBuilder().token("123:x").request(standin).get_updates_request(standin).build()
    bot = Bot("123:x", request=standin, get_updates_request=standin)

Pass it for BOTH request slots: ``Bot(token, request=standin)`` alone sends getUpdates to the
real Telegram through a default HTTPXRequest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.sandbox.contract import (
    JSON,
    ApiCall,
    ApiError,
    Files,
    Records,
    SentMessage,
    bad,
    default_spec_path,
    load_spec,
    parse_markup,
    render_message,
    validate_call,
)
from bot.sandbox.faults import FaultInjection, chat_of

__all__ = ["ApiCall", "BotApiStandIn", "SentMessage", "default_spec_path"]

SEND_KINDS = {"sendMessage": "text", "sendPhoto": "photo", "sendDocument": "document"}
_GIFT_KINDS = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
CHAT_FULL_INFO_EXTRAS: JSON = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": dict.fromkeys(_GIFT_KINDS, False),
}
TRUE_METHODS = frozenset(
    {"deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands", "sendChatAction", "deleteMessage"}
)


class BotApiStandIn(Records, FaultInjection, BaseRequest):
    """Answers Bot API calls as Telegram would, validated against ``api.json``, recording everything."""

    def __init__(
        self,
        spec_path: Path | None = None,
        *,
        username: str = "b12_sandbox_bot",
        bot_id: int = 999000001,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.spec: dict[str, dict[str, bool]] = load_spec(spec_path or default_spec_path())
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "B12 sandbox",
            "username": username,
        }
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.chats: dict[int, JSON] = {}
        self.blocked: set[int] = set()
        self.removed_from: set[int] = set()  # groups the bot was removed from
        self.migrated: dict[int, int] = {}  # group -> the supergroup it became
        Records.__init__(self)
        FaultInjection.__init__(self)
        self.callback_ids: set[str] = set()  # callback_query ids issued by the UpdateFactory
        self._next_id: dict[int, int] = {}
        self._updates: list[JSON] = []
        self._update_event = asyncio.Event()

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout PTB adds to getUpdates' long-poll timeout (nothing waits on it)."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to set up; idempotent (Bot initialises both of its request slots)."""

    async def shutdown(self) -> None:
        """Nothing to tear down; idempotent."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params: JSON = dict(request_data.parameters) if request_data else {}
        files: Files = request_data.multipart_data if request_data else {}
        call = ApiCall(api_method, params, 0)
        self.calls.append(call)
        self.check_window(chat_of(params), api_method)
        fault = self.take_fault(api_method)
        if fault is not None and fault.exc is not None:
            call.raised = type(fault.exc).__name__
            raise fault.exc
        if fault is not None and fault.kind == "fail":
            body: JSON = {"ok": False, "error_code": fault.status, "description": fault.description}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
                self.open_window(chat_of(params), fault.retry_after)
            call.status = fault.status
            return fault.status, json.dumps(body).encode()
        try:
            validate_call(self.spec, api_method, params, files)
            result = await self._dispatch(api_method, params, files)
        except ApiError as err:
            if err.refusal:
                self.refusals += 1
                self.last_refusal = f"{api_method}: {err.description}"
            call.status = err.status
            body = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
            return err.status, json.dumps(body).encode()
        call.status = 200
        if fault is not None:  # deliver_timeout: processed, but the caller never hears back
            call.raised = "TimedOut"
            raise TimedOut("Timed out (sandbox: delivered, then the answer was lost)")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- state -------------------------------------------------------------------------------
    def add_private_chat(self, user: JSON) -> None:
        """Register the private chat of ``user`` (a User dict): the user has started the bot."""
        chat: JSON = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
        self.chats[int(user["id"])] = chat

    def add_group(self, chat_id: int, title: str, *, kind: str = "group") -> None:
        self.chats[chat_id] = {"id": chat_id, "type": kind, "title": title}

    def remove_from_group(self, chat_id: int) -> None:
        """The bot is removed from a group: every send there is refused with 403, as Telegram does."""
        self.fired["removed"] += 1
        self.removed_from.add(chat_id)

    def migrate_group(self, chat_id: int, new_chat_id: int) -> None:
        """A group becomes a supergroup with a new id: sends to the old id are refused with its new id."""
        self.fired["migrated"] += 1
        title = str(self.chats.get(chat_id, {}).get("title", "group"))
        self.add_group(new_chat_id, title, kind="supergroup")
        self.migrated[chat_id] = new_chat_id

    def block(self, user_id: int) -> None:
        self.fired["block"] += 1
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def allocate_message_id(self, chat_id: int) -> int:
        """Next message_id in ``chat_id`` (shared by bot and user messages, as in Telegram)."""
        self._next_id[chat_id] = self._next_id.get(chat_id, 0) + 1
        return self._next_id[chat_id]

    def push_update(self, update: JSON) -> None:
        """Queue an incoming update for getUpdates (and wake a waiting long poll)."""
        self._updates.append(update)
        self._update_event.set()

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self._updates)

    # -- records (sent_to, last_to, texts_to, count come from Records) -----------------------
    def message_json(self, msg: SentMessage) -> JSON:
        chat = self.chats.get(msg.chat_id, {"id": msg.chat_id, "type": "private", "first_name": "?"})
        return render_message(msg, chat, self.bot_user, int(self.clock().timestamp()))

    # -- methods -----------------------------------------------------------------------------
    async def _dispatch(self, method: str, params: JSON, files: Files) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "getMe":
            return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False}
        chat_id = self._chat(params) if "chat_id" in params else 0
        if method in SEND_KINDS:
            return self.message_json(self._store(method, chat_id, params, files))
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, chat_id, params)
        if method == "answerCallbackQuery":
            query_id = str(params["callback_query_id"])
            if query_id not in self.callback_ids:
                raise bad("query is too old and response timeout expired or query ID is invalid")
            self.callback_answers.append((query_id, params.get("text"), bool(params.get("show_alert"))))
            return True
        if method == "getChat":
            return {**self.chats[chat_id], **CHAT_FULL_INFO_EXTRAS}
        if method == "deleteMessage":
            msg = self.messages.get((chat_id, int(params["message_id"])))
            if msg is None or msg.deleted:
                raise bad("message to delete not found")
            msg.deleted = True
        if method == "deleteWebhook" and params.get("drop_pending_updates"):
            self._updates.clear()
        if method in TRUE_METHODS:
            return True
        raise bad("method not supported by the sandbox", refusal=True)

    def _chat(self, params: JSON) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (TypeError, ValueError):
            raise bad("chat not found") from None  # @usernames are not modelled
        if chat_id in self.blocked and self.chats.get(chat_id, {}).get("type", "private") == "private":
            self.fired["403"] += 1  # the block is the test's fault; each refusal it causes is counted
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.removed_from:
            self.fired["403"] += 1
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if chat_id in self.migrated:
            moved = {"migrate_to_chat_id": self.migrated[chat_id]}
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", parameters=moved)
        if chat_id not in self.chats:
            raise bad("chat not found")
        return chat_id

    def _store(self, method: str, chat_id: int, params: JSON, files: Files) -> SentMessage:
        kind = SEND_KINDS[method]
        msg = SentMessage(
            chat_id=chat_id,
            message_id=self.allocate_message_id(chat_id),
            text=params.get("text" if kind == "text" else "caption"),
            reply_markup=parse_markup(params),
            kind=kind,
            date=self.clock(),
            parse_mode=params.get("parse_mode"),
        )
        if kind != "text":
            ref = params.get(kind)
            attached = isinstance(ref, str) and ref.startswith("attach://")
            part = files.get(str(ref)[len("attach://") :] if attached else kind)
            if part is not None:
                msg.filename, content, _mime_type = part
                msg.file_bytes = content if isinstance(content, bytes) else content.read()
            else:
                msg.file_ref = str(ref)
        self.messages[(chat_id, msg.message_id)] = msg
        self.by_chat.setdefault(chat_id, []).append(msg)
        return msg

    def _edit(self, method: str, chat_id: int, params: JSON) -> JSON:
        if "message_id" not in params:
            raise bad("inline messages are not supported by the sandbox", refusal=True)
        msg = self.messages.get((chat_id, int(params["message_id"])))
        if msg is None or msg.deleted:
            raise bad("message to edit not found")
        if method == "editMessageText" and msg.kind != "text":
            raise bad("there is no text in the message to edit")
        text = params.get("text", msg.text) if method == "editMessageText" else msg.text
        markup = parse_markup(params)  # omitting reply_markup removes the keyboard, as in Telegram
        if text == msg.text and markup == msg.reply_markup:
            raise bad("message is not modified: specified new message content and reply markup are exactly the same")
        msg.text, msg.reply_markup, msg.edits = text, markup, msg.edits + 1
        if method == "editMessageText":
            msg.parse_mode = params.get("parse_mode")
        return self.message_json(msg)

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset", 0))
        if offset > 0:  # confirms (forgets) every update below offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        timeout = float(params.get("timeout", 0))
        if not self._updates and timeout > 0:
            self._update_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_event.wait(), min(timeout, 0.05))
        return self._updates[: max(1, min(100, int(params.get("limit", 100))))]
