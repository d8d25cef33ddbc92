"""The messages the stand-in's bot sends and edits (mixed into BotApiStandIn): sendMessage, sendPhoto and
sendDocument stored as SentMessage (with their files), edits checked as Telegram checks them, and each
message rendered back as the Message JSON Telegram returns. The records themselves are contract.Records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.sandbox.contract import JSON, Files, SentMessage, bad, parse_markup, render_message

SEND_KINDS = {"sendMessage": "text", "sendPhoto": "photo", "sendDocument": "document"}


class SentMessages:
    # provided by the stand-in and its other parts (ChatWorld, Records)
    bot_user: JSON
    clock: Callable[[], datetime]
    chats: dict[int, JSON]
    messages: dict[tuple[int, int], SentMessage]
    by_chat: dict[int, list[SentMessage]]
    sent: list[SentMessage]
    allocate_message_id: Callable[[int], int]

    def message_json(self, msg: SentMessage) -> JSON:
        chat = self.chats.get(msg.chat_id, {"id": msg.chat_id, "type": "private", "first_name": "?"})
        return render_message(msg, chat, self.bot_user, int(self.clock().timestamp()))

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
        self.sent.append(msg)
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
