"""The agenda: the one door to the outbox for what is to be sent and when.

Every message the bot sends on its own is an outbox row. This module is the only code that adds such
rows (`enqueue`), takes pending ones off (`drop`, `purge`), moves them (`move`), holds reminders back or
lets them go (`defer`, `release`) and says when the next one is due (`next_due`); the dedupe-key formats
are the `key_*` functions below, so "where is a scheduled message written" has one answer. How each send
went (claimed, sending, sent, failed) is the tick's bookkeeping: schedules/dispatch.py and records.py.
When every kind of the tick's work is next due (this one among them), in one query: schedules/moments.py.

A row whose dedupe key is already there is skipped, so planning twice, a replay or a second process adds
nothing. Nothing here commits: each call runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.direct import Steps
from storage.queries import outbox as outbox_q
from storage.queries.outbox import Where
from storage.status import OutboxStatus

SLICE = 500  # rows per INSERT statement
KEY_LENGTH = 80  # Outbox.dedupe_key's column length
HELD = "held"  # the `error` of a reminder held back while its patient answers questions


@dataclass(frozen=True)
class Entry:
    """One message to send at `due_at` (rendered by bot/ from its kind, ref_id and payload)."""

    kind: str
    key: str
    chat_id: int
    due_at: datetime
    patient_id: int | None = None
    ref_id: int | None = None
    payload: dict[str, Any] | None = None

    def row(self, now: datetime) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dedupe_key": self.key[:KEY_LENGTH],
            "chat_id": self.chat_id,
            "patient_id": self.patient_id,
            "ref_id": self.ref_id,
            "payload": self.payload,
            "due_at": self.due_at,
            "status": OutboxStatus.PENDING,
            "created_at": now,
        }


async def enqueue(session: AsyncSession, entries: Iterable[Entry], *, now: datetime, ids: bool = True) -> list[int]:
    """Add the entries not there yet (by dedupe key); the ids of the rows added (`ids=False`: not asked for,
    none returned: a plain executemany, cheaper on PostgreSQL than one INSERT ... RETURNING)."""
    rows = [entry.row(now) for entry in entries]
    added: list[int] = []
    for start in range(0, len(rows), SLICE):
        added.extend(await outbox_q.insert_new(session, rows=rows[start : start + SLICE], returning=ids))
    return added


async def drop(session: AsyncSession, *where: Where, reason: str) -> int:
    """Pending rows matching `where` will not be sent (kept, status 'dropped', `reason` in error)."""
    return await outbox_q.update_pending(session, where=where, values={"status": OutboxStatus.DROPPED, "error": reason})


def drop_key(steps: Steps, key: str, *, reason: str) -> None:
    """Drop by dedupe key, as one statement built once, in a unit of work on a plain connection
    (storage/direct.py: a patient's Taken or Skip): the pending row with this key will not be sent."""
    steps.write(outbox_q.DROP_KEY, {"key": key[:KEY_LENGTH], "reason": reason})


def enqueue_one(steps: Steps, entry: Entry, *, now: datetime) -> None:
    """`enqueue` of one entry in a unit of work on a plain connection (a Snooze's reminder)."""
    stmt = outbox_q.insert_new_statement(steps.dialect.name == "postgresql")
    steps.write(stmt, entry.row(now), insert=True)


async def purge(session: AsyncSession, *where: Where, pending_only: bool = False) -> int:
    """Delete rows matching `where` (erasure, a replan, retention): nothing of them stays."""
    return await outbox_q.delete_where(session, where=outbox_q.pending(*where) if pending_only else where)


async def move(session: AsyncSession, *where: Where, due_at: datetime) -> int:
    """Pending rows matching `where` become due at `due_at`."""
    return await outbox_q.update_pending(session, where=where, values={"due_at": due_at})


async def redirect(session: AsyncSession, *where: Where, chat_id: int) -> int:
    """Pending rows matching `where` go to another chat (a group that became a supergroup)."""
    return await outbox_q.update_pending(session, where=where, values={"chat_id": chat_id})


def defer(change: dict[str, Any], *, until: datetime) -> dict[str, Any]:
    """A claimed reminder's row change that holds it back until `until` (the patient is answering)."""
    return {**change, "status": OutboxStatus.PENDING, "due_at": until, "error": HELD}


async def release(session: AsyncSession, *, patient_id: int, now: datetime) -> int:
    """The reminders held back for this patient go out now; none other is brought forward."""
    return await move(session, *outbox_q.held_reminders(patient_id=patient_id, held=HELD, after=now), due_at=now)


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending row is due, or None when nothing is pending."""
    return await outbox_q.earliest_pending_due(session)


# Dedupe-key formats, one per kind of message: a key names what the row is about, and the same key twice
# is the same message (planned again, replayed, or raced by a second process).
def key_dose(dose_id: int, *step: object) -> str:
    """dose:<id> (the reminder), dose:<id>:nudge, dose:<id>:closed, dose:<id>:snooze:<n>."""
    return _key("dose", dose_id, *step)


def key_questionnaire(questionnaire_id: int, *step: str) -> str:
    """questionnaire:<id> (sent), questionnaire:<id>:expired."""
    return _key("questionnaire", questionnaire_id, *step)


def key_alert(flag_id: int, chat_id: int) -> str:
    return _key("alert", flag_id, chat_id)


def key_escalation(flag_id: int, chat_id: int) -> str:
    """An urgent alert nobody owned in time, posted again once (schedules/escalation.py), in one chat."""
    return _key("escalation", flag_id, chat_id)


def key_digest(team_id: int, day: date, chat_id: int | None) -> str:
    """One digest a team and day: to its group (no chat in the key), or to each member's chat."""
    return _key("digest", team_id, day.isoformat(), *(() if chat_id is None else (chat_id,)))


def key_milestone(patient_id: int, week: int, chat_id: int) -> str:
    """A patient's follow-up milestone (week 4) for the team, in one chat."""
    return _key("milestone", patient_id, week, chat_id)


def key_verdict(flag_id: int, chat_id: int) -> str:
    """A milestone verdict (a flag) for the team, in one chat."""
    return _key("verdict", flag_id, chat_id)


def key_message(message_id: int, chat_id: int | str) -> str:
    """A message between the team and a patient, to one chat (or 'undelivered': its writer is told)."""
    return _key("msg", message_id, chat_id)


def key_team_notice(what: str, patient_id: int, now: datetime) -> str:
    """A patient is told of a team's action (paused, resumed, discharged)."""
    return _key("team", what, patient_id, now.isoformat())


def key_erased(patient_id: int, chat_id: int) -> str:
    """The team is told of an erasure, in one chat."""
    return _key("erased", patient_id, chat_id)


def key_erased_retry(chat_id: int, now: datetime) -> str:
    """The patient's last message after an erasure that had to be retried."""
    return _key("erased", chat_id, now.isoformat())


def key_member_removed(team_id: int, user_id: int, now: datetime) -> str:
    return _key("removed", team_id, user_id, int(now.timestamp()))


def key_alert_chat(team_id: int, group: int, chat_id: int, now: datetime) -> str:
    """Alerts now go to `group`: one chat is told."""
    return _key("alertchat", team_id, group, chat_id, int(now.timestamp()))


def key_alert_chat_lost(team_id: int, lost: int, chat_id: int, now: datetime) -> str:
    return _key("lost", team_id, lost, chat_id, int(now.timestamp()))


def key_helper(link_id: int, what: str, chat_id: int | None = None) -> str:
    """A family helper's notice (helper:<link>:<what>), or a notice to one chat about the link."""
    return _key("helper", link_id, what, *(() if chat_id is None else (chat_id,)))


def key_helper_erased(patient_id: int, chat_id: int) -> str:
    """The helper of an erased patient is told the link has ended."""
    return _key("helper", "erased", patient_id, chat_id)


def key_rerouted(key: str, old_chat: int, new_chat: int) -> str:
    """A team message the group refused, sent again to another chat."""
    return _key(key.removesuffix(f":{old_chat}"), new_chat)


def _key(*parts: object) -> str:
    return ":".join(map(str, parts))[:KEY_LENGTH]
