"""B12BOT_AUDIT_KEY at start-up: the switch of a plain chain to a keyed one is recorded; a wrong or missing key
stops start-up before a single row is chained the wrong way (such a row could never be verified again).

The last audit row tells which case applies: it checks with the configured key (keyed, go on), as a plain
sha256 (unkeyed: with a key, an `audit.keyed` row is written now, chained with the key, naming the last plain
row: from it on every row is keyed), or neither: the chain was written with another key, with a key that is
no longer set, or its last row was changed. `b12bot audit verify` (with the right key) tells which.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from storage import audit
from storage.engine import Sessions
from storage.models import AuditEvent

SWITCH_ACTION = "audit.keyed"


class AuditKeyError(RuntimeError):
    pass


async def check_key(sessions: Sessions, *, key: bytes | None, now: datetime) -> int | None:
    """Check the configured key against the last audit row; the id of the `audit.keyed` row written, if any."""
    async with sessions() as session:
        last = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1))).first()
        if last is None:
            return None  # an empty chain: its first row is chained as the key says
        if key and last.row_hash == audit.hash_of(last, last.prev_hash, key):
            return None
        plain = last.row_hash == audit.hash_of(last, last.prev_hash)
        if plain and not key:
            return None
        if not plain and key:
            raise AuditKeyError(
                f"B12BOT_AUDIT_KEY does not match the audit trail: its last row ({last.id}) checks neither with this "
                "key nor as a plain hash. It was written with another key, or changed (`b12bot audit verify` with "
                "the right key names the row)."
            )
        if not plain:
            raise AuditKeyError(
                f"the audit trail's last row ({last.id}) does not check as a plain hash: it was written with "
                "B12BOT_AUDIT_KEY (set it again: rows written without it could never be verified), or changed "
                "(`b12bot audit verify` names the row)."
            )
        switch = audit.record(session, at=now, actor="system", action=SWITCH_ACTION, detail={"after_row": last.id})
        await session.commit()
        return switch.id
