"""An erasure that failed is kept as a `dialogue` row (kind "erase", step "retry") and tried again by the tick.

Never dropped: each failure is an audit row (`data.erase`, outcome "failed", the error's type and the
attempt) and an ERROR log line with ids; the next try comes after 1, 2, 4 ... minutes, at most an hour
apart, until it succeeds. Meanwhile the person's enrolments are stopped (nothing more is sent to them).
When it succeeds the person gets the usual last message through the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from schedules import agenda
from services.erasure import erase_person
from services.person import linked_patients
from storage import audit
from storage.engine import Sessions
from storage.models import Dialogue
from storage.queries import dialogues as dialogues_q
from storage.queries import patients as patients_q

log = logging.getLogger(__name__)
KIND, STEP = "erase", "retry"
FIRST_WAIT, LONGEST_WAIT = timedelta(minutes=1), timedelta(hours=1)


def _wait(attempt: int) -> timedelta:
    wait: timedelta = FIRST_WAIT * 2 ** max(attempt - 1, 0)
    return min(wait, LONGEST_WAIT)


async def failed(
    sessions: Sessions, *, chat_id: int, user_id: int, language: str, error: str, now: datetime, attempt: int = 1
) -> None:
    """Record a failed erasure (its retry row, an audit row per enrolment) and stop the person's messages."""
    async with sessions() as session:
        await dialogues_q.drop(session, chat_id=chat_id, user_id=user_id)
        data = {"attempt": attempt, "next_at": (now + _wait(attempt)).isoformat(), "language": language}
        row = Dialogue(chat_id=chat_id, user_id=user_id, kind=KIND, step=STEP, data=data, updated_at=now)
        session.add(row)
        await patients_q.stop_enrolled_of_chat(session, chat_id=chat_id, now=now)
        detail = {"error": error, "attempt": attempt}
        subjects: list[str | None] = [f"patient:{p.id}" for p in await linked_patients(session, chat_id)]
        for subject in subjects or [None]:
            audit.record(session, at=now, actor="system", action="data.erase", outcome="failed", subject=subject,
                         detail=detail)  # fmt: skip
        await session.commit()
    log.error("erasure failed, will retry", extra={"dialogue": row.id, "attempt": attempt, "error": error})


async def pending(sessions: Sessions, chat_id: int) -> bool:
    async with sessions() as session:
        return await dialogues_q.id_at_step(session, chat_id=chat_id, kind=KIND, step=STEP) is not None


async def retry_due(sessions: Sessions, *, now: datetime) -> int:
    """Try every erasure whose time has come; returns how many succeeded."""
    async with sessions() as session:
        rows = await dialogues_q.all_at_step(session, kind=KIND, step=STEP)
    done = 0
    for row in rows:
        if datetime.fromisoformat(str(row.data.get("next_at"))) > now:
            continue
        language, attempt = str(row.data.get("language", "en")), int(row.data.get("attempt", 1)) + 1
        try:
            async with sessions() as session:
                if not await dialogues_q.claim(session, dialogue_id=row.id, step=STEP):  # another process did it
                    continue
                for pid, counts in await erase_person(session, row.chat_id, now=now, keep_update_id=None):
                    detail = {**counts, "attempt": attempt}
                    audit.record(session, at=now, actor="system", action="data.erase", subject=f"patient:{pid}",
                                 detail=detail)  # fmt: skip
                await agenda.enqueue(session, [_last_message(row.chat_id, language, now)], now=now)
                await session.commit()
        except Exception as exc:  # anything: recorded, retried later, never dropped
            await failed(sessions, chat_id=row.chat_id, user_id=row.user_id, language=language,
                         error=type(exc).__name__, now=now, attempt=attempt)  # fmt: skip
            continue
        done += 1
    return done


def _last_message(chat_id: int, language: str, now: datetime) -> agenda.Entry:
    """The patient's last message, like the one sent at once after a successful erasure (no patient row)."""
    payload = {"key": "erase_done", "lang": language}
    return agenda.Entry("notice", agenda.key_erased_retry(chat_id, now), chat_id, now, payload=payload)
