"""Which outbox rows: conditions for schedules/agenda.py (drop, purge, move), the one door that writes them.

The writes below (`insert_new`, `update_pending`, `delete_where`) are the agenda's statements: schedules/agenda.py
is their only caller (tests/test_layout.py, DELIVERY_BOOKKEEPING); everything else asks the agenda.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, update
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Outbox
from storage.queries.dialect import insert_of, is_postgres, rowcount
from storage.status import OutboxStatus

Where = ColumnElement[bool]  # a condition on outbox rows, for the agenda's drop, purge, move and redirect
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
DROP_KEY = (  # the pending row with one dedupe key will not be sent: built once (every Taken / Skip runs it: agenda)
    OUTBOX.update()
    .where(OUTBOX.c.dedupe_key == bindparam("key"), OUTBOX.c.status == OutboxStatus.PENDING)
    .values(status=OutboxStatus.DROPPED, error=bindparam("reason"))
)


def of_patient(*, patient_id: int | None) -> ColumnElement[bool]:
    """The rows about one patient."""
    return col(Outbox.patient_id) == patient_id


def of_kind_about(*, kind: str, ref_ids: Sequence[int | None]) -> ColumnElement[bool]:
    """The rows of `kind` about these referenced rows (e.g. helper notices of some links)."""
    return (col(Outbox.kind) == kind) & col(Outbox.ref_id).in_(ref_ids)


def with_ids(*, ids: Sequence[int | None]) -> ColumnElement[bool]:
    return col(Outbox.id).in_(ids)


async def pending_to(session: AsyncSession, *, chat_id: int, kinds: Collection[str]) -> list[Outbox]:
    """The rows of these kinds still waiting for this chat."""
    query = select(Outbox).where(
        Outbox.chat_id == chat_id, Outbox.status == OutboxStatus.PENDING, col(Outbox.kind).in_(kinds)
    )
    return list((await session.exec(query)).all())


def of_kinds_about(*, kinds: Sequence[str], ref_ids: Sequence[int | None]) -> ColumnElement[bool]:
    """The rows of one of `kinds` about these referenced rows (e.g. the messages of a conversation)."""
    return col(Outbox.kind).in_(kinds) & col(Outbox.ref_id).in_(ref_ids)


def of_erased_patient(
    *, patient_id: int | None, chat_id: int | None, flag_ids: Sequence[int | None]
) -> ColumnElement[bool]:
    """Every row for an erased patient or about them: theirs, to their chat, about their flags or milestones."""
    return or_(
        col(Outbox.patient_id) == patient_id,
        (col(Outbox.kind).in_(("alert", "verdict")) & col(Outbox.ref_id).in_(flag_ids)),
        (col(Outbox.kind) == "milestone") & (col(Outbox.ref_id) == patient_id),
        *([col(Outbox.chat_id) == chat_id] if chat_id is not None else []),
    )


def pending(*where: Where) -> tuple[Where, ...]:
    """`where` and still pending."""
    return (col(Outbox.status) == OutboxStatus.PENDING, *where)


@cache
def _insert_new(postgres: bool, returning: bool) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING (RETURNING id), built once per database (issue 17: a Snooze press and
    each slice's nudges add rows; building the statement and its cache key per call cost ~0.1 ms a call)."""
    stmt = insert_of(postgres)(OUTBOX).on_conflict_do_nothing()
    return stmt.returning(OUTBOX.c.id) if returning else stmt


def insert_new_statement(postgres: bool) -> Any:
    """The agenda's INSERT ... ON CONFLICT DO NOTHING, not returning, built once (storage/direct.py runs it)."""
    return _insert_new(postgres, False)


async def insert_new(session: AsyncSession, *, rows: Sequence[dict[str, Any]], returning: bool = True) -> list[int]:
    """Insert the rows whose dedupe key is not there yet; the ids added (none when not `returning`). The
    agenda's only. An executemany (SQLAlchemy's insertmanyvalues when returning: one cached statement,
    batched), not a VALUES list built per call; on the table, not the ORM class (no ORM bookkeeping per row)."""
    if not rows:
        return []
    stmt = _insert_new(is_postgres(session), returning)
    if not returning:
        await session.execute(stmt, list(rows))
        return []
    return list((await session.execute(stmt, list(rows))).scalars().all())


async def update_pending(session: AsyncSession, *, where: Sequence[Where], values: dict[str, Any]) -> int:
    """Pending rows matching `where` get `values`; the rows changed. The agenda's only. In Core on the table
    (issue 17): the ORM-enabled UPDATE's evaluation against the session cost ~0.4 ms a call; what the session
    holds is flushed first, as the ORM statement's autoflush did."""
    await session.flush()
    table = Outbox.__table__  # type: ignore[attr-defined]
    return rowcount(await session.execute(update(table).where(*pending(*where)).values(**values)))


async def delete_where(session: AsyncSession, *, where: Sequence[Where]) -> int:
    """Rows matching `where` are deleted; the rows deleted. The agenda's only. In Core, as update_pending."""
    await session.flush()
    table = Outbox.__table__  # type: ignore[attr-defined]
    return rowcount(await session.execute(delete(table).where(*where)))


async def earliest_pending_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending row is due (None: nothing pending)."""
    return (await session.exec(select(func.min(Outbox.due_at)).where(*pending()))).first()


def held_reminders(*, patient_id: int, held: str, after: datetime) -> tuple[Where, ...]:
    """The patient's dose reminders held back (error `held`) and due after `after`."""
    return (
        col(Outbox.patient_id) == patient_id,
        col(Outbox.kind) == "dose_reminder",
        col(Outbox.error) == held,
        col(Outbox.due_at) > after,
    )


def about(*, kind: str, ref_id: int | None) -> Where:
    """The rows of `kind` about one referenced row."""
    return (col(Outbox.kind) == kind) & (col(Outbox.ref_id) == ref_id)


def to_chat_of_kinds(*, chat_id: int, kinds: Collection[str]) -> tuple[Where, ...]:
    return (col(Outbox.chat_id) == chat_id, col(Outbox.kind).in_(kinds))


def to_chat(*, chat_id: int) -> Where:
    return col(Outbox.chat_id) == chat_id


def done_notices_before(*, kinds: Collection[str], statuses: Collection[str], before: datetime) -> tuple[Where, ...]:
    """Notices to a chat with no patient row behind them, done (sent, failed, ...), created before `before`."""
    return (
        col(Outbox.patient_id).is_(None),
        col(Outbox.kind).in_(kinds),
        col(Outbox.status).in_(statuses),
        col(Outbox.created_at) < before,
    )


def kind_about_not_to(*, kind: str, ref_id: int | None, chats: Collection[int]) -> tuple[Where, ...]:
    """The rows of `kind` about `ref_id` to a chat not among `chats`."""
    return (col(Outbox.kind) == kind, col(Outbox.ref_id) == ref_id, col(Outbox.chat_id).not_in(chats))


async def statuses_about(session: AsyncSession, *, kinds: Collection[str], ref_ids: Sequence[int | None]) -> list[Any]:
    """(ref_id, status) of the rows of these kinds about these referenced rows."""
    query = select(Outbox.ref_id, Outbox.status).where(col(Outbox.kind).in_(kinds), col(Outbox.ref_id).in_(ref_ids))
    return list((await session.exec(query)).all())
