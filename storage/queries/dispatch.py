"""The dispatcher's bookkeeping on the outbox: claim due rows, renew and release claims, mark them 'sending',
record each send's outcome (with the dose and questionnaire rows it changes), one statement each.

Only schedules/dispatch.py and schedules/records.py call these (the tick's delivery bookkeeping); what is to
be sent and when is schedules/agenda.py's. The recording writes are executemany UPDATEs by primary key
(one prepared statement for the whole slice).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DoseEvent, Outbox, Questionnaire
from storage.queries.dialect import is_postgres, rowcount, update_by_id
from storage.status import OutboxStatus


async def claim_due(session: AsyncSession, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to `limit` pending rows due by `now`, oldest first, for `worker`; their ids.
    On PostgreSQL rows another process is claiming are skipped (FOR UPDATE SKIP LOCKED)."""
    due = (
        select(col(Outbox.id))
        .where(col(Outbox.status) == OutboxStatus.PENDING, col(Outbox.due_at) <= now)
        .order_by(col(Outbox.due_at))
        .limit(limit)
    )
    if is_postgres(session):
        due = due.with_for_update(skip_locked=True)
    claimed = await session.execute(
        update(Outbox)
        .where(col(Outbox.id).in_(due.scalar_subquery()))
        .values(status=OutboxStatus.CLAIMED, claimed_by=worker, claimed_at=now)
        .returning(col(Outbox.id))
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
    held = await session.execute(
        update(Outbox)
        .where(
            col(Outbox.id).in_(ids),
            col(Outbox.claimed_by) == worker,
            col(Outbox.status).in_((OutboxStatus.CLAIMED, OutboxStatus.SENDING)),
        )
        .values(claimed_at=at)
        .returning(col(Outbox.id))
    )
    return set(held.scalars().all())


async def mark_sending(session: AsyncSession, *, ids: Sequence[int]) -> None:
    """Claimed rows about to go out become 'sending' (a crash from here on leaves their fate unknown)."""
    if ids:
        await session.execute(
            update(Outbox)
            .where(col(Outbox.id).in_(ids), col(Outbox.status) == OutboxStatus.CLAIMED)
            .values(status=OutboxStatus.SENDING)
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
