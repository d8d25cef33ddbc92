"""/delete_my_data: asked, then confirmed (the erasure itself: services.erasure; /mydata: my_data).

An erasure that fails (the database refused it) is told to the patient and tried again by the tick
(services.erasure_retry) until it succeeds.

The confirmation is a `dialogue` row (kind "erase") holding a random nonce; its buttons name that row
and nonce (`x1:<dialogue id>:<nonce>:y|n`), so a press counts only from the chat and user that asked,
and only once (the row is gone after). Everything is audited with ids and counts only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from services import erasure_retry
from services.erasure import erase_person
from storage import audit
from storage.engine import Sessions
from storage.models import Dialogue
from storage.queries import dialogues as dialogues_q
from storage.queries import patients as patients_q

KIND = "erase"
CONFIRM_WITHIN = timedelta(minutes=30)


@dataclass(frozen=True)
class Asked:
    outcome: str  # asked not_enrolled pending (an erasure that failed is waiting to be tried again)
    dialogue_id: int = 0
    nonce: str = ""
    language: str = "en"


async def ask_erase(sessions: Sessions, *, chat_id: int, user_id: int, now: datetime) -> Asked:
    """Start the confirmation: a fresh dialogue row (replacing an earlier one of this chat and user)."""
    async with sessions() as session:
        p = await patients_q.by_chat(session, chat_id=chat_id)
        if p is None:
            return Asked("not_enrolled")
        if await erasure_retry.pending(sessions, chat_id):
            return Asked("pending", language=p.language)
        await dialogues_q.drop(session, chat_id=chat_id, user_id=user_id)
        nonce = secrets.token_hex(6)
        row = Dialogue(
            chat_id=chat_id, user_id=user_id, kind=KIND, step="confirm", data={"nonce": nonce}, updated_at=now
        )
        session.add(row)
        audit.record(session, at=now, actor="patient", action="data.erase_asked", subject=f"patient:{p.id}")
        await session.commit()
        assert row.id is not None
        return Asked("asked", row.id, nonce, p.language)


@dataclass(frozen=True)
class Confirmed:
    outcome: str  # erased kept refused failed (told, and retried: services/erasure_retry.py)
    language: str = "en"


async def confirm_erase(
    sessions: Sessions,
    *,
    dialogue_id: int,
    nonce: str,
    erase_now: bool,
    chat_id: int,
    user_id: int,
    update_id: int | None,
    now: datetime,
) -> Confirmed:
    """A press on Delete / Keep. Anything but the asking chat's own, live confirmation: refused, audited."""
    async with sessions() as session:
        row = await session.get(Dialogue, dialogue_id)
        p = await patients_q.by_chat(session, chat_id=chat_id)
        reason = None
        if (
            row is None
            or (row.kind, row.step) != (KIND, "confirm")
            or not secrets.compare_digest(str(row.data.get("nonce", "")), nonce)
        ):
            reason = "stale"
        elif row.chat_id != chat_id or row.user_id != user_id:
            reason = "not_yours"
        elif now - row.updated_at > CONFIRM_WITHIN or p is None:
            reason = "expired"
        if reason is not None or p is None or row is None:
            audit.record(session, at=now, actor=f"chat:{chat_id}", action="data.erase", outcome="refused",
                         detail={"reason": reason or "stale"})  # fmt: skip
            await session.commit()
            return Confirmed("refused")
        language, subject, error = p.language, f"patient:{p.id}", None
        await session.delete(row)
        if not erase_now:
            audit.record(session, at=now, actor="patient", action="data.erase_kept", subject=subject)
            await session.commit()
            return Confirmed("kept", language)
        try:
            for pid, counts in await erase_person(session, chat_id, now=now, keep_update_id=update_id):
                audit.record(session, at=now, actor="patient", action="data.erase", subject=f"patient:{pid}",
                             detail=counts)  # fmt: skip
            await session.commit()
        except SQLAlchemyError as exc:
            await session.rollback()
            error = type(exc).__name__
    if error is None:
        return Confirmed("erased", language)
    await erasure_retry.failed(sessions, chat_id=chat_id, user_id=user_id, language=language, error=error, now=now)
    return Confirmed("failed", language)
