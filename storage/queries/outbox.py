"""Which outbox rows: conditions for schedules/agenda.py (drop, purge, move), the one door that writes them."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Outbox
from storage.status import OutboxStatus


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
