"""team hours and flag escalation

A team's reading hours (team.hours, "Mon-Fri 08:00-17:00", shown to patients with safety advice and
used to time escalation) and when an unowned urgent flag was posted again (flag.escalated_at).
Additive: two nullable columns.

Revision ID: 0007_team_safety
Revises: 0006_conversation
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0007_team_safety"
down_revision: str | None = "0006_conversation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # not in batch mode: on SQLite a batch would copy and drop `team`, which rows of other tables reference
    # (SQLite 3.35+ drops a plain column in place)
    op.drop_column("flag", "escalated_at")
    op.drop_column("team", "hours")
