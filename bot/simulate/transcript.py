"""`simulate --transcript`: every message both ways, as each person saw it, at their own clock.

The bot's side is read from the calls the Bot API stand-in answered (sent, edited, buttons changed, deleted,
refused), so the care team's chat is there too, and every keyboard is drawn row by row; each line carries
the local time of the person it concerns (the patient's zone, or the team's) and the UTC time beside it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.render.keyboard_text import keyboard_rows
from bot.sandbox.contract import SentMessage, parse_markup
from bot.sandbox.harness import Sandbox

INDENT = " " * 4
SHOWN = {
    "sendMessage": "bot → {who}",
    "sendPhoto": "bot → {who} (a picture)",
    "sendDocument": "bot → {who} (a file)",
    "editMessageText": "bot edits its message to {who}",
    "editMessageCaption": "bot edits its message to {who}",
    "editMessageReplyMarkup": "bot changes the buttons under its message to {who}",
    "deleteMessage": "bot deletes a message to {who}",
}


def button_label(message: SentMessage, data: str) -> str:
    """The text on the button that sends `data`, as the person saw it."""
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("callback_data") == data:
                return str(button["text"])
    return data


class Transcript:
    def __init__(self, sb: Sandbox, out: TextIO | None) -> None:
        self.sb, self.out = sb, out
        self.read = 0  # stand-in calls written so far
        self.chats: dict[int, tuple[str, str]] = {}  # chat id -> (who, IANA zone)

    def chat(self, chat_id: int, who: str, zone: str) -> None:
        self.chats[chat_id] = (who, zone)

    def stamp(self, zone: str) -> str:
        now: datetime = self.sb.clock()
        local = now.astimezone(ZoneInfo(zone))
        return f"{local:%Y-%m-%d %a %H:%M %Z} ({now:%H:%M} UTC)"

    def write(self, zone: str, head: str, text: str = "", keyboard: list[str] | None = None) -> None:
        assert self.out is not None
        lines = [f"{self.stamp(zone)}  {head}", *(INDENT + line for line in text.splitlines())]
        self.out.write("\n".join([*lines, *(INDENT + row for row in keyboard or [])]) + "\n")

    def person(self, chat_id: int, action: str) -> None:
        """What a person did (typed, pressed), after everything the bot did before it."""
        if self.out is None:
            return
        self.flush()
        who, zone = self.chats[chat_id]
        self.write(zone, f"{who} → bot: {action}")

    def flush(self) -> None:
        """Write the bot's calls since last time. A stand-in that does not keep its calls (a long simulation)
        hands them on here, written or not, so they are held for one moment only."""
        api = self.sb.api
        if api.keep:
            if self.out is None:
                return
            calls, self.read = api.calls[self.read :], len(api.calls)
        else:
            calls = api.take_calls()
        if self.out is None:
            return
        for call in calls:
            if call.method in SHOWN:
                self._call(call.method, call.params, call.status)

    def _call(self, method: str, params: dict[str, Any], status: int) -> None:
        chat = params.get("chat_id")
        who, zone = self.chats.get(int(chat), (f"chat {chat}", "UTC")) if isinstance(chat, int | str) else ("?", "UTC")
        head = SHOWN[method].format(who=who)
        if status != 200:
            self.write(zone, f"{head}: not delivered (Telegram answered {status})")
            return
        text = str(params.get("text") or params.get("caption") or "")
        markup = parse_markup(params)
        keyboard = keyboard_rows(markup)
        if method == "editMessageReplyMarkup" and not keyboard:
            head += ": buttons removed"
        self.write(zone, head, text, keyboard)
