"""The audit trail: append-only (there is no update or delete function, on purpose) and tamper-evident.

Each row carries `prev_hash` (the previous row's `row_hash`; GENESIS for the first) and `row_hash`, the
sha256 of `prev_hash` followed by the row's canonical content (id, `at` in UTC, actor, action, subject,
outcome, detail as canonical JSON); with B12BOT_AUDIT_KEY, the HMAC-SHA256 of the same under the key (the
sessions carry it: storage.engine.make_sessions), so that nobody without the key can rewrite the chain.
A chain may start plain and become keyed (storage.audit_key); never the other way round. The chain is
computed when the row is flushed, inside the writer's transaction, one writer at a time: on PostgreSQL under a
transaction-scoped advisory lock taken before the last row is read (one function call: migration 0009); on
SQLite after taking the database's write lock (a no-op write), so no other writer can append between the read
of the last row and the commit. `record()` stays the only way to append.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.direct import Steps
from storage.engine import AUDIT_KEY_INFO, Sessions
from storage.models import AuditEvent

GENESIS = "0" * 64
AUDIT_LOCK = 0x62313261  # PostgreSQL advisory lock key ("b12a"): one audit writer at a time


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit row to the session's transaction (ids only; never health answers); its id after the flush."""
    row = AuditEvent(at=at, actor=actor, action=action, subject=subject, outcome=outcome, detail=detail)
    session.add(row)
    return row


def canonical(
    row_id: int, at: datetime, actor: str, action: str, subject: str | None, outcome: str, detail: Any
) -> str:
    """The row's content as one deterministic string (the same in every database and process)."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = [row_id, stamp, actor, action, subject, outcome, detail]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def row_hash(prev_hash: str, content: str, key: bytes | None = None) -> str:
    message = f"{prev_hash}\n{content}".encode()
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def hash_of(event: AuditEvent, prev_hash: str, key: bytes | None = None) -> str:
    assert event.id is not None
    content = canonical(event.id, event.at, event.actor, event.action, event.subject, event.outcome, event.detail)
    return row_hash(prev_hash, content, key)


# The chain's next place, one writer at a time (see the module's text); built once. PostgreSQL: a function
# (migration 0009) takes the lock, then, in a fresh snapshot, the ids and the last hash: one round trip.
PG_PLACE = text("SELECT id, prev_hash FROM b12bot_audit_place(:key, :n)")
# SQLite, one statement: a no-op write takes the write lock (held until commit), then reads the last row
SQLITE_LAST = text("UPDATE audit_event SET id = id WHERE id = (SELECT max(id) FROM audit_event) RETURNING id, row_hash")
AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
INSERT = AUDIT.insert()


def _places(rows: Callable[[Any, dict[str, Any]], Sequence[Any]], dialect: str, n: int) -> tuple[list[int], str]:
    """Take the chain's place for `n` new rows (the writer's lock, held until commit): their ids and the
    previous row's hash. `rows` runs a statement in the writer's transaction."""
    if dialect == "postgresql":
        got = rows(PG_PLACE, {"key": AUDIT_LOCK, "n": n})
        return [int(r[0]) for r in got], str(got[0][1] or GENESIS)
    last = next(iter(rows(SQLITE_LAST, {})), None)
    first = (int(last[0]) if last is not None else 0) + 1
    return list(range(first, first + n)), str(last[1]) if last is not None else GENESIS


def _on(conn: Connection) -> Callable[[Any, dict[str, Any]], Sequence[Any]]:
    return lambda stmt, params: conn.execute(stmt, params).all()


@event.listens_for(Session, "before_flush")
def _chain(session: Session, _context: object, _instances: object) -> None:
    """Give each new audit row its id and its place in the chain, before it is inserted."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    conn = session.connection()
    ids, prev = _places(_on(conn), conn.dialect.name, len(new))
    key = session.info.get(AUDIT_KEY_INFO)
    for n, row in enumerate(new):
        row.id = ids[n]
        row.prev_hash = prev
        row.row_hash = prev = hash_of(row, prev, key)


async def append(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> int:
    """`record`, written at once in Core (no ORM flush): the same lock, place in the chain and hash, then one
    INSERT, in the session's transaction. For hot paths (a dose press); returns the row's id. Its statements
    run in one call into the session's greenlet (one hand-over instead of one per statement)."""
    key = session.info.get(AUDIT_KEY_INFO)

    def write(sync: Session) -> int:
        conn = sync.connection()
        return _append(_on(conn), conn.execute, conn.dialect.name, key, at, actor, action, subject, outcome, detail)

    return await session.run_sync(write)


def append_now(
    steps: Steps, key: bytes | None, *, at: datetime, actor: str, action: str, subject: str | None = None,
    outcome: str = "ok", detail: dict[str, Any] | None = None,
) -> int:  # fmt: skip
    """`append` in a unit of work on a plain connection (storage/direct.py): `key` as the sessions carry it."""
    insert = partial(steps.write, insert=True)  # PostgreSQL: sent with the next statement (the commit's mark)
    return _append(steps.rows, insert, steps.dialect.name, key, at, actor, action, subject, outcome, detail)


def _append(
    rows: Callable[[Any, dict[str, Any]], Sequence[Any]], insert: Callable[[Any, dict[str, Any]], Any], dialect: str,
    key: bytes | None, *content: Any,
) -> int:  # fmt: skip
    at, actor, action, subject, outcome, detail = content
    ids, prev = _places(rows, dialect, 1)
    hashed = row_hash(prev, canonical(ids[0], at, actor, action, subject, outcome, detail), key)
    values = {"id": ids[0], "at": at, "actor": actor, "action": action, "subject": subject, "outcome": outcome,
              "detail": detail, "prev_hash": prev, "row_hash": hashed}  # fmt: skip
    insert(INSERT, values)
    return ids[0]


@dataclass(frozen=True)
class Verdict:
    rows: int  # rows checked (up to and including the first broken one)
    broken_id: int | None = None
    problem: str = ""
    head: str = GENESIS  # the last row's hash: keep it elsewhere to notice a cut-off tail
    keyed_from: int | None = None  # the first row chained with B12BOT_AUDIT_KEY (HMAC), when a key was given


NOT_KEYED = (
    "B12BOT_AUDIT_KEY is set but no row is keyed: the keyed rows were removed or the chain was rewritten without "
    "the key (or nothing was written since the key was set: start the bot or run any command, which records it)"
)
PLAIN_AFTER_KEYED = "written without B12BOT_AUDIT_KEY after the chain became keyed at row {k}: forged or rewritten"
CHANGED = "row_hash does not match its content: at, actor, action, subject, outcome or detail"
MAYBE_KEYED = " (or the row was chained with B12BOT_AUDIT_KEY: verify with the key)"


def check_row(row: AuditEvent, prev: str, key: bytes | None, keyed_from: int | None) -> tuple[str, int | None]:
    """(problem or "", keyed_from after this row): keyed rows need the key; once keyed, never plain again."""
    if key and row.row_hash == hash_of(row, prev, key):
        return "", keyed_from if keyed_from is not None else row.id
    if row.row_hash == hash_of(row, prev):
        return (PLAIN_AFTER_KEYED.format(k=keyed_from) if keyed_from is not None else ""), keyed_from
    return CHANGED + ("" if key else MAYBE_KEYED), keyed_from


async def verify(
    sessions: Sessions, *, batch: int = 2000, key: bytes | None = None, head: str | None = None
) -> Verdict:
    """Walk the chain in id order; the first row whose links or content do not match, or ok.

    `key`: rows may be keyed (from the first keyed row on, all must be), and a non-empty chain must have a
    keyed row. `head`: a row_hash kept with a backup, which must still be in the chain (a cut tail or a
    rewrite loses it)."""
    prev, prev_id, checked, keyed_from, head_seen = GENESIS, None, 0, None, head is None
    async with sessions() as session:
        while True:
            query = select(AuditEvent).order_by(col(AuditEvent.id)).limit(batch)
            if prev_id is not None:
                query = query.where(col(AuditEvent.id) > prev_id)
            rows = (await session.exec(query)).all()
            if not rows:
                break
            for row in rows:
                checked += 1
                where = f"row {prev_id}" if prev_id is not None else "the start of the chain"
                if row.prev_hash != prev:
                    problem = f"prev_hash does not match {where}: a row before it was deleted or this row was inserted"
                    return Verdict(checked, row.id, problem, prev, keyed_from)
                problem, keyed_from = check_row(row, prev, key, keyed_from)
                if problem:
                    return Verdict(checked, row.id, problem, prev, keyed_from)
                head_seen = head_seen or row.row_hash == head
                prev, prev_id = row.row_hash, row.id
            session.expunge_all()
    if key and prev_id is not None and keyed_from is None:
        return Verdict(checked, prev_id, NOT_KEYED, prev)
    if not head_seen:
        problem = f"the head kept with the backup ({head}) is not in the chain: rows were cut off the end or rewritten"
        return Verdict(checked, prev_id or 0, problem, prev, keyed_from)
    return Verdict(checked, head=prev, keyed_from=keyed_from)
