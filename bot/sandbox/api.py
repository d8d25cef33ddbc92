"""``BotApiStandIn``: a ``telegram.request.BaseRequest`` that answers Bot API calls in-process.

The real ``telegram.Bot`` / ``Application`` run unchanged on top of it::

    standin = BotApiStandIn(default_spec_path())
    app = ApplicationBuilder().token("123:x").request(standin).get_updates_request(standin).build()
    bot = Bot("123:x", request=standin, get_updates_request=standin)

Pass it for BOTH request slots: ``Bot(token, request=standin)`` alone sends getUpdates to the
real Telegram through a default HTTPXRequest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.sandbox.chats import ChatWorld
from bot.sandbox.contract import (
    JSON,
    ApiCall,
    ApiError,
    Files,
    Records,
    SentMessage,
    bad,
)
from bot.sandbox.faults import FaultInjection, chat_of
from bot.sandbox.messages import SEND_KINDS, SentMessages
from bot.sandbox.spec import default_spec_path, load_spec, validate_call

__all__ = ["ApiCall", "BotApiStandIn", "SentMessage", "default_spec_path"]

_GIFT_KINDS = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
CHAT_FULL_INFO_EXTRAS: JSON = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": dict.fromkeys(_GIFT_KINDS, False),
}
TRUE_METHODS = frozenset(
    {"deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands", "sendChatAction", "deleteMessage"}
)


class BotApiStandIn(ChatWorld, SentMessages, Records, FaultInjection, BaseRequest):
    """Answers Bot API calls as Telegram would, validated against ``api.json``, recording everything."""

    def __init__(
        self,
        spec_path: Path | None = None,
        *,
        username: str = "b12_sandbox_bot",
        bot_id: int = 999000001,
        clock: Callable[[], datetime] | None = None,
        keep: bool = True,
    ) -> None:
        self.spec: dict[str, dict[str, bool]] = load_spec(spec_path or default_spec_path())
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "B12 sandbox",
            "username": username,
        }
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        ChatWorld.__init__(self)
        Records.__init__(self, keep=keep)  # keep=False: calls counted and taken, not kept (contract.Records)
        FaultInjection.__init__(self)
        self.callback_ids: set[str] = set()  # callback_query ids issued by the UpdateFactory

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
        self.counted[api_method] += 1
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
            if self.keep:
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
