"""The stand-in's world of chats (mixed into BotApiStandIn): who has started the bot, the groups it is in,
blocks, removals and migrations, message ids, and the queue of incoming updates that getUpdates answers."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from bot.sandbox.contract import JSON, ApiError, bad


class ChatWorld:
    fired: Counter[str]  # provided by FaultInjection: every fault and event, counted by kind

    def __init__(self) -> None:
        self.chats: dict[int, JSON] = {}
        self.blocked: set[int] = set()
        self.removed_from: set[int] = set()  # groups the bot was removed from
        self.migrated: dict[int, int] = {}  # group -> the supergroup it became
        self._next_id: dict[int, int] = {}
        self._updates: list[JSON] = []
        self._update_event = asyncio.Event()

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
