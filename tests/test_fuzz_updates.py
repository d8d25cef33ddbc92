"""Fuzzed updates through the real path (inbox, Application, handlers, services, storage) on a populated clinic.

Hypothesis draws Update dicts of the shapes Telegram sends: messages and edited messages (random text,
every command with random arguments) from strangers in private chats and in groups, button presses with
random callback data (1-64 bytes, or a registered prefix with random fields) from strangers and from
enrolled people on rows that do not exist, and block/unblock of the bot by strangers.

Invalid input, and what it may do:
- no crash (every batch is delivered and the Application goes on), no unhandled exception (nothing logged
  at ERROR: the Application's error handler, the inbox's "could not be processed"; no inbox row with an error),
  no call that the Bot API stand-in refuses as a contract breach;
- no write: every table but `inbox_update` and `audit_event` is the same row for row before and after, and
  every audit row added has the outcome "refused" (or "ignored").

The suite draws 1,000 updates on SQLite and 150 on PostgreSQL (B12BOT_FUZZ_UPDATES sets the SQLite count);
bench/fuzz.py draws 100,000 and prints the figures.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select
from telegram.error import NetworkError

from bot.sandbox.harness import Sandbox
from storage.models import InboxUpdate
from tests.helpers import audit_after, audit_mark, snapshot
from tests.test_battery_security import GROUP, NOW, build_world

STRANGERS = list(range(4000, 4016))
KNOWN = [1001, 2001, 2002, 2003]  # the clinician, patients A and B, C (invited)
OTHER_GROUP = -6001
COMMANDS = [
    "start", "help", "status", "pause", "resume", "stop", "patients", "patient", "pause_patient", "resume_patient",
    "discharge", "enrol", "cancel", "team_chat", "ack", "language", "time", "timezone", "mydata", "delete_my_data",
    "settings", "x", "members",
]  # fmt: skip
PREFIXES = [
    "c1", "d1", "p1", "q1", "v1:p", "v1:dc", "f1", "e1", "l1", "l1:me", "x1", "s1",
    "a1", "m1", "w1", "m2", "h1", "h2", "zz", "",
]  # fmt: skip
ALLOWED_OUTCOMES = {"refused", "ignored"}


def _fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= 64


fields_ = st.one_of(
    st.integers(-5, 60).map(str),
    st.integers(2**31 - 2, 2**63).map(str),
    st.sampled_from(["t", "s", "k", "y", "n", "a", "m", "me", "ok", "no", "?", "stop", "dc", "p", "es", "0900"]),
    st.text(max_size=12),
)
structured = st.builds(
    lambda prefix, parts: ":".join([prefix, *parts]) if prefix else ":".join(parts),
    st.sampled_from(PREFIXES),
    st.lists(fields_, min_size=0, max_size=4),
)
callback_data = st.one_of(structured, st.text(min_size=1, max_size=64), st.binary(min_size=1, max_size=64).map(
    lambda b: b.decode("utf-8", "replace")
)).filter(_fits)  # fmt: skip
texts = st.one_of(
    st.text(min_size=1, max_size=300),
    st.builds(lambda c, a: f"/{c} {a}".rstrip(), st.sampled_from(COMMANDS), st.text(max_size=80)),
    st.builds(lambda c: f"/{c}", st.sampled_from(COMMANDS)),
    st.sampled_from(["5", "10", "-1", "11", "yes", "09:00", "Europe/Berlin", "MK-17", "1000 mcg oral daily"]),
).filter(lambda s: s.strip() != "" and len(s) <= 4096)


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """One update without update_id (Fuzz.send numbers them); shapes as the Bot API defines them."""
    kind = draw(st.sampled_from(["message", "message", "edited_message", "callback_query", "callback_query", "block"]))
    if kind == "callback_query":
        by_known = draw(st.booleans())
        user = draw(st.sampled_from(KNOWN if by_known else STRANGERS))
        data = draw(callback_data)
        if by_known:  # an enrolled person may only forge rows that do not exist (their own would be valid)
            data = draw(st.one_of(st.text(min_size=1, max_size=64), structured_missing())).strip() or "zz"
            if not _fits(data):
                data = "zz"
        where = draw(st.sampled_from(["private", "group"]))
        return {"callback_query": {"user": user, "data": data, "where": where, "with_message": draw(st.booleans())}}
    if kind == "block":
        return {"block": {"user": draw(st.sampled_from(STRANGERS)), "kicked": draw(st.booleans())}}
    where = draw(st.sampled_from(["private", "private", "group", "other_group"]))
    return {kind: {"user": draw(st.sampled_from(STRANGERS)), "text": draw(texts), "where": where}}


def structured_missing() -> st.SearchStrategy[str]:
    """A registered prefix and an id no row has."""
    return st.builds(
        lambda prefix, row, tail: f"{prefix}:{row}:{tail}",
        st.sampled_from(["c1", "d1", "q1", "v1:dc", "f1", "l1", "x1"]),
        st.integers(10**6, 2**31 - 1),
        st.sampled_from(["t", "s", "y", "n", "a", "m", "0:5", "es", "abc:y"]),
    )


def draw_updates(n: int, seed: int) -> list[dict[str, Any]]:
    """n updates drawn by hypothesis from `seed` (generation only: no shrinking, no example database)."""
    drawn: list[dict[str, Any]] = []

    @hypothesis.seed(seed)
    @settings(
        max_examples=n,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(updates())
    def collect(update: dict[str, Any]) -> None:
        drawn.append(update)

    collect()
    return drawn


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


async def test_fuzzed_updates_crash_nothing_raise_nothing_and_write_nothing(database_url: str) -> None:
    sqlite = database_url.startswith("sqlite")
    n = int(os.environ.get("B12BOT_FUZZ_UPDATES", "1000")) if sqlite else 150
    started = datetime.now(UTC)
    fuzz = await run_fuzz(database_url, n, seed=7 if sqlite else 11)
    assert not fuzz.problems, "\n".join(fuzz.problems)
    assert fuzz.sent == n, (fuzz.sent, n, datetime.now(UTC) - started)


async def test_the_fuzz_checks_catch_a_write_and_an_exception(sqlite_url: str) -> None:
    """The same checks on input that is valid (a patient's /pause writes) or meets a fault: they fire."""
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        fuzz = await fuzz_world(sb)
        await fuzz.send([{"message": {"user": 2001, "text": "/pause", "where": "private"}}])
        assert len(fuzz.problems) == 1 and "tables changed ['patient']" in fuzz.problems[0]
        fuzz.problems.clear()
        sb.api.raise_next("sendMessage", NetworkError("fault injected"))
        await fuzz.send([{"message": {"user": 4000, "text": "/help", "where": "private"}}])
        assert sb.api.faults_fired == 1
        assert len(fuzz.problems) == 1 and "handler failed" in fuzz.problems[0]
