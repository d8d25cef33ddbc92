"""Which outbox rows: conditions for schedules/agenda.py (drop, purge, move), the one door that writes them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlmodel import col

from storage.models import Outbox


def of_patient(*, patient_id: int | None) -> ColumnElement[bool]:
    """The rows about one patient."""
    return col(Outbox.patient_id) == patient_id


def of_kind_about(*, kind: str, ref_ids: Sequence[int | None]) -> ColumnElement[bool]:
    """The rows of `kind` about these referenced rows (e.g. helper notices of some links)."""
    return (col(Outbox.kind) == kind) & col(Outbox.ref_id).in_(ref_ids)
