"""erasure of the person

- patient: aliases unique per team whatever their case (a unique index on team_id, lower(alias)). Before it
  is created, existing aliases that differ only in case are looked for; if there are any the upgrade stops
  with a message naming each pair (team id, patient ids, aliases) and changes nothing, so the operator can
  rename one of them (e.g. `UPDATE patient SET alias = 'MK-17b' WHERE id = 42`) and run it again.
- inbox_update: chat_id and user_id (the update's chat and sender: erasure by sender, the per-sender limit
  for strangers), filled in here from the stored payloads; the argument of every stored `/start` is replaced
  by its sha256, as new updates are stored from now on (a raw invite token is never kept).
- invite: an index on opened_chat_id (every enrolment a person opened, for /mydata and erasure).

Revision ID: 0005_erasure_person
Revises: 0004_patientux
Create Date: 2026-11-27 12:00:00
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_erasure_person"
down_revision: str | None = "0004_patientux"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
HOW_TO_FIX = (
    "aliases must be unique per team whatever their case; these differ only in case:\n  {listing}\n"
    "Rename all but one of each (with SQL: set patient.alias of that id to a new pseudonym), then run "
    "`b12bot db upgrade` again. Nothing was changed."
)


class AliasCollision(RuntimeError):
    pass


def _collisions(bind: sa.Connection) -> list[str]:
    rows = bind.execute(
        sa.text(
            "SELECT p.team_id, p.id, p.alias FROM patient p JOIN ("
            " SELECT team_id, lower(alias) AS a FROM patient GROUP BY team_id, lower(alias) HAVING count(*) > 1"
            ") d ON d.team_id = p.team_id AND d.a = lower(p.alias) ORDER BY p.team_id, lower(p.alias), p.id"
        )
    ).all()
    return [f"team {r[0]}: patient {r[1]} {r[2]!r}" for r in rows]


def _ids(payload: dict[str, Any]) -> tuple[int | None, int | None]:
    """Frozen copy of storage.updates.sender_ids as of this revision."""
    kind = next((k for k, v in payload.items() if k != "update_id" and isinstance(v, dict)), None)
    body = payload.get(kind, {}) if kind else {}
    chat = body.get("chat") or (body.get("message") or {}).get("chat") or {}
    user = body.get("from") or body.get("user") or {}
    ids = chat.get("id"), user.get("id")
    return tuple(i if isinstance(i, int) and not isinstance(i, bool) else None for i in ids)  # type: ignore[return-value]


def _masked(text: str) -> str:
    """Frozen copy of the /start masking of storage.updates as of this revision."""
    words = text.split(maxsplit=1)
    if not words or words[0].split("@", 1)[0] != "/start" or len(words) < 2:
        return text
    argument = words[1].strip()
    if re.fullmatch(r"~[0-9a-f]{64}", argument):
        return text
    hashed = "~" + hashlib.sha256(argument.encode("utf-8", "replace")).hexdigest()
    shaped = re.fullmatch(r"[A-Za-z0-9_-]{43}", argument) is not None
    return f"{text[: len(text) - len(words[1])]}{hashed if shaped else '~masked'}"


def upgrade() -> None:
    bind = op.get_bind()
    found = _collisions(bind)
    if found:
        listing = "\n  ".join(found)
        raise AliasCollision(HOW_TO_FIX.format(listing=listing))
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index("uq_patient_team_alias_ci", ["team_id", sa.text("lower(alias)")], unique=True)
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.create_index("ix_invite_opened_chat_id", ["opened_chat_id"], unique=False)
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("user_id", sa.BigInteger(), nullable=True))
    _fill_inbox(bind)
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_sender", ["user_id", "received_at"], unique=False)
        batch_op.create_index("ix_inbox_chat", ["chat_id"], unique=False)


def _fill_inbox(bind: sa.Connection) -> None:
    table = sa.table(
        "inbox_update",
        sa.column("update_id", sa.BigInteger()),
        sa.column("payload", sa.JSON()),
        sa.column("chat_id", sa.BigInteger()),
        sa.column("user_id", sa.BigInteger()),
    )
    last = None
    while True:
        query = sa.select(table.c.update_id, table.c.payload).order_by(table.c.update_id).limit(BATCH)
        rows = bind.execute(query if last is None else query.where(table.c.update_id > last)).all()
        if not rows:
            return
        changes = []
        for update_id, payload in rows:
            chat_id, user_id = _ids(payload) if isinstance(payload, dict) else (None, None)
            changes.append({"b_id": update_id, "b_chat": chat_id, "b_user": user_id, "b_payload": _mask(payload)})
        stmt = table.update().where(table.c.update_id == sa.bindparam("b_id"))
        values = {
            "chat_id": sa.bindparam("b_chat", type_=sa.BigInteger()),
            "user_id": sa.bindparam("b_user", type_=sa.BigInteger()),
            "payload": sa.bindparam("b_payload", type_=sa.JSON()),
        }
        bind.execute(stmt.values(**values), changes)
        last = rows[-1][0]


def _mask(payload: Any) -> Any:
    if isinstance(payload, dict):
        return {
            k: _masked(v) if k in ("text", "caption") and isinstance(v, str) else _mask(v) for k, v in payload.items()
        }
    if isinstance(payload, list):
        return [_mask(v) for v in payload]
    return payload


def downgrade() -> None:
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_chat")
        batch_op.drop_index("ix_inbox_sender")
        batch_op.drop_column("user_id")
        batch_op.drop_column("chat_id")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_index("ix_invite_opened_chat_id")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("uq_patient_team_alias_ci")
