"""what a team's empty daily digest does

team.empty_digest: "short" (one short "nothing new" line, the default) or "quiet" (no message on a day with
nothing to report). Additive: one column with a server default, so existing teams get "short".

Revision ID: 0008_teamux_digest
Revises: 0007_team_safety
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_teamux_digest"
down_revision: str | None = "0007_team_safety"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "empty_digest", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default="short"
            )
        )


def downgrade() -> None:
    # not in batch mode: a batch would copy and drop `team`, which rows of other tables reference
    op.drop_column("team", "empty_digest")
