"""audit chain and erasure

A hash chain over the audit trail (audit_event.prev_hash, row_hash; existing rows are chained here, in id
order) and patient.erased_at for /delete_my_data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 04:20:00
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def _hash(prev: str, row: sa.Row) -> str:  # type: ignore[type-arg]
    """Frozen copy of storage.audit.canonical + row_hash as of this revision."""
    at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    detail = json.loads(row.detail) if isinstance(row.detail, str) else row.detail
    content = [row.id, at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), row.actor, row.action, row.subject, row.outcome, detail]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    bind = op.get_bind()
    table = sa.table(
        "audit_event",
        sa.column("id", sa.Integer()),
        sa.column("at", storage.types.UTCDateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("subject", sa.String()),
        sa.column("outcome", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
    )
    prev, changes = GENESIS, []
    for row in bind.execute(sa.select(table).order_by(table.c.id)):
        digest = _hash(prev, row)
        changes.append({"b_id": row.id, "prev_hash": prev, "row_hash": digest})
        prev = digest
    if changes:
        stmt = table.update().where(table.c.id == sa.bindparam("b_id"))
        bind.execute(stmt.values(prev_hash=sa.bindparam("prev_hash"), row_hash=sa.bindparam("row_hash")), changes)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column("row_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
