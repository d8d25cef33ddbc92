"""The dispatcher's bookkeeping on the outbox: claim due rows, renew and release claims, mark them 'sending',
record each send's outcome (with the dose and questionnaire rows it changes), one statement each.

Only schedules/dispatch.py and schedules/records.py call these (the tick's delivery bookkeeping); what is to
be sent and when is schedules/agenda.py's. The recording writes are executemany UPDATEs by primary key
(one prepared statement for the whole slice).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import false, update
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DoseEvent, Outbox, Questionnaire
from storage.queries.dialect import is_postgres, rowcount, update_by_id
from storage.status import OutboxStatus

OUTBOX = Outbox.__table__  # type: ignore[attr-defined]  # Core statements: no ORM bookkeeping per call (issue 17)


async def claim_due(session: AsyncSession, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to `limit` pending rows due by `now`, oldest first, for `worker`; their ids.
    On PostgreSQL rows another process is claiming are skipped (FOR UPDATE SKIP LOCKED)."""
    b = OUTBOX.c
    due = sa_select(b.id).where(b.status == OutboxStatus.PENDING, b.due_at <= now).order_by(b.due_at).limit(limit)
    if is_postgres(session):
        due = due.with_for_update(skip_locked=True)
    claimed = await session.execute(
        update(OUTBOX)
        .where(b.id.in_(due.scalar_subquery()))
        .values(status=OutboxStatus.CLAIMED, claimed_by=worker, claimed_at=now)
        .returning(b.id)
    )
    return list(claimed.scalars().all())


async def release_stale(session: AsyncSession, *, cutoff: datetime) -> int:
    """Claims taken at or before `cutoff` go back to pending: never-sent ones as they were, rows found
    'sending' (their request may have gone out) marked uncertain. The count released."""
    claimed = await session.execute(
        update(Outbox)
        .where(col(Outbox.status) == OutboxStatus.CLAIMED, col(Outbox.claimed_at) <= cutoff)
        .values(status=OutboxStatus.PENDING, claimed_by=None)
    )
    sending = await session.execute(
        update(Outbox)
        .where(col(Outbox.status) == OutboxStatus.SENDING, col(Outbox.claimed_at) <= cutoff)
        .values(status=OutboxStatus.PENDING, claimed_by=None, uncertain=True)
    )
    return rowcount(claimed) + rowcount(sending)


async def renew(session: AsyncSession, *, ids: Sequence[int], worker: str, at: datetime) -> set[int]:
    """Extend `worker`'s claim on `ids` to `at`; the ids it still holds (not recovered by another process)."""
    b = OUTBOX.c
    held = await session.execute(
        update(OUTBOX)
        .where(b.id.in_(ids), b.claimed_by == worker, b.status.in_((OutboxStatus.CLAIMED, OutboxStatus.SENDING)))
        .values(claimed_at=at)
        .returning(b.id)
    )
    return set(held.scalars().all())


async def mark_sending(session: AsyncSession, *, ids: Sequence[int], late: Collection[int] = ()) -> None:
    """Claimed rows about to go out become 'sending', one more attempt each, `late` the ones sent late (a crash
    from here on leaves their fate unknown)."""
    if ids:
        b = OUTBOX.c
        late_now = b.id.in_(late) if late else false()
        await session.execute(
            update(OUTBOX)
            .where(b.id.in_(ids), b.status == OutboxStatus.CLAIMED)
            .values(status=OutboxStatus.SENDING, attempts=b.attempts + 1, late=late_now)
        )


async def record(
    session: AsyncSession,
    *,
    outbox: Sequence[dict[str, Any]],
    doses: Sequence[dict[str, Any]] = (),
    questionnaires: Sequence[dict[str, Any]] = (),
) -> None:
    """Write a slice's outcomes: each a dict with its row's `id` and the columns it changes (executemany)."""
    for model, changes in ((Outbox, outbox), (DoseEvent, doses), (Questionnaire, questionnaires)):
        if changes:
            await update_by_id(session, model=model, changes=changes)
