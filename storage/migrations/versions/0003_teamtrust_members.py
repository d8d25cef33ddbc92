"""team members come and go

team_member.username (the Telegram @username seen when the member joined or last listed the team, so an
operator can name a member by it) and the team admin role: the first member of each existing team (the
earliest to join, still active) becomes its admin (team_member.role = 'admin').

Revision ID: 0003_teamtrust_members
Revises: 0002
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_teamtrust_members"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    member = sa.table(
        "team_member",
        sa.column("id", sa.Integer()),
        sa.column("team_id", sa.Integer()),
        sa.column("role", sa.String()),
        sa.column("active", sa.Boolean()),
        sa.column("joined_at", sa.DateTime()),
    )
    bind = op.get_bind()
    first: dict[int, int] = {}
    rows = bind.execute(
        sa.select(member.c.id, member.c.team_id)
        .where(member.c.active.is_(True))
        .order_by(member.c.team_id, member.c.joined_at, member.c.id)
    )
    for row in rows:
        first.setdefault(row.team_id, row.id)
    if first:
        bind.execute(member.update().where(member.c.id.in_(list(first.values()))).values(role="admin"))


def downgrade() -> None:
    member = sa.table("team_member", sa.column("role", sa.String()))
    op.get_bind().execute(member.update().where(member.c.role == "admin").values(role="clinician"))
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.drop_column("username")
