"""Which outbox rows: conditions for schedules/agenda.py (drop, purge, move), the one door that writes them."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement
from sqlmodel import col, or_, select
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
