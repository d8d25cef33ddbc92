"""patientux: dose details

dose_event.timezone: the patient's time zone when the dose was planned (so /status shows a past dose at
the time the patient was reminded, after a later /timezone); existing rows get their patient's zone.
dose_event.taken_at: when the patient says they took it ("Taken earlier, at ..."), else the tap.
dose_event.skip_reason: why a dose was skipped (forgot, side_effects, ran_out, other), when given.

Revision ID: 0004_patientux
Revises: 0003_teamtrust_members
Create Date: 2026-12-04 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0004_patientux"
down_revision: str | None = "0003_teamtrust_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dose_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("taken_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("skip_reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    op.execute(
        "UPDATE dose_event SET timezone = (SELECT patient.timezone FROM patient WHERE patient.id = dose_event.patient_id)"
    )
    op.execute("UPDATE dose_event SET taken_at = answered_at WHERE status = 'taken'")


def downgrade() -> None:
    with op.batch_alter_table("dose_event", schema=None) as batch_op:
        batch_op.drop_column("skip_reason")
        batch_op.drop_column("taken_at")
        batch_op.drop_column("timezone")
