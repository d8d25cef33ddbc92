"""the audit chain's next place in one call (PostgreSQL)

b12bot_audit_place(lock_key, n): takes the audit writers' transaction-scoped advisory lock, then, in a
fresh snapshot (a VOLATILE function's each query takes its own), returns n new ids and the last row's hash:
what storage/audit.py did as two statements, one round trip less for each audit write. SQLite: nothing.

Revision ID: 0009_audit_place
Revises: 0008_teamux_digest
Create Date: 2026-12-06 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_audit_place"
down_revision: str | None = "0008_teamux_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACE = """
CREATE OR REPLACE FUNCTION b12bot_audit_place(lock_key bigint, n integer)
RETURNS TABLE (id bigint, prev_hash varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT nextval('audit_event_id_seq'),
        (SELECT a.row_hash FROM audit_event a ORDER BY a.id DESC LIMIT 1) FROM generate_series(1, n);
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PLACE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION b12bot_audit_place(bigint, integer)")
