"""The audit trail: append-only (there is no update or delete function, on purpose) and tamper-evident.

Each row carries `prev_hash` (the previous row's `row_hash`; GENESIS for the first) and `row_hash`, the
sha256 of `prev_hash` followed by the row's canonical content (id, `at` in UTC, actor, action, subject,
outcome, detail as canonical JSON). The chain is computed when the row is flushed, inside the writer's
transaction, one writer at a time: on PostgreSQL under a transaction-scoped advisory lock taken before the
last row is read; on SQLite after taking the database's write lock (a no-op write), so no other writer can
append between the read of the last row and the commit. `record()` stays the only way to append.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import Sessions
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
) -> None:
    """Add an audit row to the session's transaction (ids only; never health answers)."""
    session.add(AuditEvent(at=at, actor=actor, action=action, subject=subject, outcome=outcome, detail=detail))


def canonical(
    row_id: int, at: datetime, actor: str, action: str, subject: str | None, outcome: str, detail: Any
) -> str:
    """The row's content as one deterministic string (the same in every database and process)."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = [row_id, stamp, actor, action, subject, outcome, detail]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def row_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def hash_of(event: AuditEvent, prev_hash: str) -> str:
    assert event.id is not None
    content = canonical(event.id, event.at, event.actor, event.action, event.subject, event.outcome, event.detail)
    return row_hash(prev_hash, content)


@event.listens_for(Session, "before_flush")
def _chain(session: Session, _context: object, _instances: object) -> None:
    """Give each new audit row its id and its place in the chain, before it is inserted."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # two round trips: the lock, then (in a fresh snapshot) ids and last hash
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})
        got = conn.execute(
            text(
                "SELECT nextval('audit_event_id_seq'), "
                "(SELECT row_hash FROM audit_event ORDER BY id DESC LIMIT 1) FROM generate_series(1, :n)"
            ),
            {"n": len(new)},
        ).all()
        ids, prev = [int(r[0]) for r in got], str(got[0][1] or GENESIS)
    else:  # one statement: a no-op write takes the write lock (held until commit), then reads the last row
        last = conn.execute(
            text("UPDATE audit_event SET id = id WHERE id = (SELECT max(id) FROM audit_event) RETURNING id, row_hash")
        ).first()
        prev = str(last[1]) if last is not None else GENESIS
        first = (int(last[0]) if last is not None else 0) + 1
        ids = list(range(first, first + len(new)))
    for n, row in enumerate(new):
        row.id = ids[n]
        row.prev_hash = prev
        row.row_hash = prev = hash_of(row, prev)


@dataclass(frozen=True)
class Verdict:
    rows: int  # rows checked (up to and including the first broken one)
    broken_id: int | None = None
    problem: str = ""
    head: str = GENESIS  # the last row's hash: keep it elsewhere to notice a cut-off tail


async def verify(sessions: Sessions, *, batch: int = 2000) -> Verdict:
    """Walk the chain in id order; the first row whose links or content do not match, or ok."""
    prev, prev_id, checked = GENESIS, None, 0
    async with sessions() as session:
        while True:
            query = select(AuditEvent).order_by(col(AuditEvent.id)).limit(batch)
            if prev_id is not None:
                query = query.where(col(AuditEvent.id) > prev_id)
            rows = (await session.exec(query)).all()
            if not rows:
                return Verdict(checked, head=prev)
            for row in rows:
                checked += 1
                where = f"row {prev_id}" if prev_id is not None else "the start of the chain"
                if row.prev_hash != prev:
                    problem = f"prev_hash does not match {where}: a row before it was deleted or this row was inserted"
                    return Verdict(checked, row.id, problem, prev)
                if row.row_hash != hash_of(row, prev):
                    problem = "row_hash does not match its content: at, actor, action, subject, outcome or detail"
                    return Verdict(checked, row.id, problem, prev)
                prev, prev_id = row.row_hash, row.id
            session.expunge_all()
