"""conversation and helper

Free-text messages between a care team and a patient (patient_message) and a patient's family helper
(helper_link). Additive: two new tables; the helper's one-time link is an `invite` row of kind "helper".

Revision ID: 0006_conversation
Revises: 0005_erasure_person
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0006_conversation"
down_revision: str | None = "0005_erasure_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, *, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "patient_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("member_user_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=4096), nullable=False),
        sa.Column("red_flag_words", sa.Boolean(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        _utc("created_at", nullable=False),
        _utc("sent_at", nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("patient_message", schema=None) as batch_op:
        batch_op.create_index("ix_patient_message_thread", ["patient_id", "direction", "created_at"], unique=False)
    op.create_table(
        "helper_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("helper_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        _utc("created_at", nullable=False),
        _utc("consented_at", nullable=True),
        _utc("ended_at", nullable=True),
        sa.ForeignKeyConstraint(["invite_id"], ["invite.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("helper_link", schema=None) as batch_op:
        batch_op.create_index("ix_helper_link_patient", ["patient_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_helper_link_helper_chat_id"), ["helper_chat_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("helper_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helper_link_helper_chat_id"))
        batch_op.drop_index("ix_helper_link_patient")
    op.drop_table("helper_link")
    with op.batch_alter_table("patient_message", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_message_thread")
    op.drop_table("patient_message")
