"""Fuzzed updates, sent and checked on the populated clinic of bot/sandbox/security_world.py: no crash, no
unhandled exception (nothing logged at ERROR, no inbox row with an error), no call the Bot API stand-in refuses,
no write (every table but the inbox and the audit trail unchanged; audit rows added are "refused" or "ignored").
Shared by tests/test_fuzz_updates.py and bench/fuzz.py."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from bot.sandbox.fuzzing import OTHER_GROUP, STRANGERS, draw_updates
from bot.sandbox.harness import Sandbox
from bot.sandbox.security_world import GROUP, NOW, build_world
from bot.sandbox.steps import audit_after, audit_mark, snapshot
from storage.models import InboxUpdate

ALLOWED_OUTCOMES = {"refused", "ignored"}


def _error(record: logging.LogRecord) -> str:
    if record.exc_info and record.exc_info[2] is not None:
        frame = traceback.extract_tb(record.exc_info[2])[-1]
        return f"{record.getMessage()} at {frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.line}"
    return record.getMessage()


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Fuzz:
    sb: Sandbox
    next_id: int = 10_000_000
    sent: int = 0
    problems: list[str] = field(default_factory=list)

    def build(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The Bot API Update for a drawn spec, keeping the stand-in's chats and callback ids in step."""
        api = self.sb.api
        kind, body = next(iter(spec.items()))
        self.next_id += 1
        user = {"id": body["user"], "is_bot": False, "first_name": f"U{body['user']}", "language_code": "en"}
        # the stand-in's block list is left alone: the updates of a batch are built before any is handled,
        # and a person who blocked the bot must unblock it before writing or pressing again anyway
        date = int(api.clock().timestamp())
        if kind == "block":
            chat = {"id": body["user"], "type": "private", "first_name": user["first_name"]}
            kicked = {"status": "kicked", "user": api.bot_user, "until_date": 0}
            member = {"status": "member", "user": api.bot_user}
            old, new = (member, kicked) if body["kicked"] else (kicked, member)
            payload = {"chat": chat, "from": user, "date": date, "old_chat_member": old, "new_chat_member": new}
            return {"update_id": self.next_id, "my_chat_member": payload}
        where = body["where"]
        chat_id = {"private": body["user"], "group": GROUP, "other_group": OTHER_GROUP}[where]
        chat = api.chats[chat_id]
        if kind == "callback_query":
            message = api.last_to(chat_id)
            query_id = f"fz{self.next_id}"
            api.callback_ids.add(query_id)
            query: dict[str, Any] = {
                "id": query_id,
                "from": user,
                "chat_instance": f"ci{chat_id}",
                "data": body["data"],
            }
            if body["with_message"] and message is not None:
                query["message"] = api.message_json(message)
            else:  # an old message: Telegram sends it as InaccessibleMessage (date 0)
                query["message"] = {"chat": chat, "message_id": api.allocate_message_id(chat_id), "date": 0}
            return {"update_id": self.next_id, "callback_query": query}
        text = body["text"]
        message_json: dict[str, Any] = {
            "message_id": api.allocate_message_id(chat_id),
            "from": user,
            "chat": chat,
            "date": date,
            "text": text,
        }
        if kind == "edited_message":
            message_json["edit_date"] = date
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0].encode("utf-16-le")) // 2
            message_json["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": self.next_id, kind: message_json}

    async def send(self, specs: Sequence[dict[str, Any]], *, batch: int = 50) -> None:
        errors = Errors()
        logging.getLogger().addHandler(errors)
        try:
            for first in range(0, len(specs), batch):
                chunk = [self.build(spec) for spec in specs[first : first + batch]]
                before, mark, refusals = await snapshot(self.sb), await audit_mark(self.sb), self.sb.api.refusals
                await self.sb.send(*chunk)
                self.sent += len(chunk)
                after = await snapshot(self.sb)
                changed = [name for name in before if before[name] != after[name]]
                rows = [r for r in await audit_after(self.sb, mark) if r.outcome not in ALLOWED_OUTCOMES]
                if changed or rows or errors.records or self.sb.api.refusals != refusals:
                    self.problems.append(
                        f"batch at update {chunk[0]['update_id']}: tables changed {changed}, "
                        f"audit {[(r.action, r.outcome) for r in rows]}, "
                        f"errors {[_error(r) for r in errors.records][:3]}, "
                        f"api refusal {self.sb.api.last_refusal if self.sb.api.refusals != refusals else None}; "
                        f"updates {[next(iter(s.values())) for s in specs[first : first + batch]]}"
                    )
                    errors.records.clear()
                    if len(self.problems) >= 3:
                        return
        finally:
            logging.getLogger().removeHandler(errors)

    async def inbox_errors(self) -> list[tuple[int, str | None]]:
        async with self.sb.services.sessions() as session:
            query = select(InboxUpdate.update_id, InboxUpdate.error).where(col(InboxUpdate.error).is_not(None))
            return [(int(u), e) for u, e in (await session.exec(query)).all()]


async def fuzz_world(sb: Sandbox) -> Fuzz:
    await build_world(sb)
    sb.api.add_group(OTHER_GROUP, "Some other group")
    for user in STRANGERS:
        sb.api.add_private_chat({"id": user, "first_name": f"U{user}"})
    return Fuzz(sb)


async def run_fuzz(database_url: str, n: int, seed: int) -> Fuzz:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        fuzz = await fuzz_world(sb)
        await fuzz.send(draw_updates(n, seed))
        if not fuzz.problems and (bad := await fuzz.inbox_errors()):
            fuzz.problems.append(f"inbox rows with an error: {bad[:5]}")
        return fuzz
