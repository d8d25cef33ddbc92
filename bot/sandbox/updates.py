"""Incoming Updates, built as plain Bot API dicts exactly as Telegram would deliver them.

The dicts can be stored (e.g. in a database inbox) and later turned into objects with
``telegram.Update.de_json(data, bot)``, or queued for getUpdates with ``push=True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.sandbox.api import BotApiStandIn
from bot.sandbox.contract import JSON, SentMessage


@dataclass
class VirtualUser:
    id: int
    first_name: str
    language_code: str = "en"
    username: str | None = None

    def as_json(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        user["language_code"] = self.language_code
        return user


class UpdateFactory:
    """Makes Update dicts with strictly increasing update_id, keeping the stand-in's chats in step."""

    def __init__(self, standin: BotApiStandIn, *, start_update_id: int = 1, push: bool = False) -> None:
        self.standin = standin
        self.push = push  # also queue every update for getUpdates
        self._next_update_id = self._first_update_id = start_update_id
        self._next_query = 0

    @property
    def made(self) -> int:
        """How many updates this factory has made."""
        return self._next_update_id - self._first_update_id

    def _update(self, kind: str, payload: JSON) -> JSON:
        update: JSON = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        if self.push:
            self.standin.push_update(update)
        return update

    def _now(self) -> int:
        return int(self.standin.clock().timestamp())

    def _private_chat(self, user: VirtualUser) -> JSON:
        chat: JSON = {"id": user.id, "type": "private", "first_name": user.first_name}
        if user.username:
            chat["username"] = user.username
        return chat

    # -- messages ----------------------------------------------------------------------------
    def text(self, user: VirtualUser, text: str, *, chat_id: int | None = None) -> JSON:
        """A message from ``user`` in their private chat, or in group ``chat_id``.

        "/start ..." in the private chat registers the chat as started (and, as pressing
        Restart does in Telegram, lifts a block).
        """
        if chat_id is None or chat_id == user.id:
            chat = self._private_chat(user)
            if text.split(maxsplit=1)[:1] == ["/start"]:
                self.standin.add_private_chat(user.as_json())
                self.standin.unblock(user.id)
        elif chat_id in self.standin.chats:
            chat = self.standin.chats[chat_id]
        else:
            raise ValueError(f"unknown group chat {chat_id}; call standin.add_group() first")
        message: JSON = {
            "message_id": self.standin.allocate_message_id(int(chat["id"])),
            "from": user.as_json(),
            "chat": chat,
            "date": self._now(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2  # entity offsets count UTF-16 code units
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._update("message", message)

    def text_in_group(self, user: VirtualUser, group_chat_id: int, text: str) -> JSON:
        return self.text(user, text, chat_id=group_chat_id)

    # -- inline keyboards --------------------------------------------------------------------
    @staticmethod
    def buttons(message: SentMessage) -> list[JSON]:
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button_data(self, message: SentMessage) -> list[str]:
        """The callback_data of every inline button on ``message``, row by row."""
        return [str(b["callback_data"]) for b in self.buttons(message) if "callback_data" in b]

    def press(self, user: VirtualUser, message: SentMessage, data: str) -> JSON:
        """A callback_query for ``data`` on ``message``; ``data`` need not be on the message (forgeries)."""
        self._next_query += 1
        query_id = f"{user.id}{self._next_query:08d}"
        self.standin.callback_ids.add(query_id)
        query: JSON = {
            "id": query_id,
            "from": user.as_json(),
            "message": self.standin.message_json(message),
            "chat_instance": f"ci{message.chat_id}",
            "data": data,
        }
        return self._update("callback_query", query)

    def press_button(self, user: VirtualUser, message: SentMessage, label_substring: str) -> JSON:
        """Press the first callback button on ``message`` whose text contains ``label_substring``."""
        for button in self.buttons(message):
            if label_substring in str(button.get("text", "")) and "callback_data" in button:
                return self.press(user, message, str(button["callback_data"]))
        labels = [b.get("text") for b in self.buttons(message)]
        raise LookupError(f"no callback button containing {label_substring!r} on the message; buttons: {labels}")

    # -- membership --------------------------------------------------------------------------
    def my_chat_member(self, user: VirtualUser, *, status_new: Literal["kicked", "member"]) -> JSON:
        """What the bot receives when ``user`` blocks ("kicked") or unblocks ("member") it."""
        bot = self.standin.bot_user
        member: JSON = {"status": "member", "user": bot}
        kicked: JSON = {"status": "kicked", "user": bot, "until_date": 0}
        if status_new == "kicked":
            self.standin.block(user.id)
            old, new = member, kicked
        else:
            self.standin.unblock(user.id)
            self.standin.add_private_chat(user.as_json())
            old, new = kicked, member
        payload: JSON = {
            "chat": self._private_chat(user),
            "from": user.as_json(),
            "date": self._now(),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        return self._update("my_chat_member", payload)
