"""A patient's answer to a dose reminder: Taken / Snooze / Skip. Checked, recorded once, in one transaction: the
dose, the nudge it no longer needs (or the snooze's reminder), the audit row, the end of an open /time
question, and (storage/unit.py) the update marked handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from care.protocol import Protocol
from schedules import agenda
from services.settings_dialogue import KIND as SETTINGS
from storage import audit, direct, unit
from storage.direct import Steps
from storage.engine import AUDIT_KEY_INFO, Sessions
from storage.queries import dialogues as dialogues_q
from storage.queries import press as press_q
from storage.status import ENROLLED

ACTIONS = {"t": "taken", "k": "skipped", "s": "snoozed"}
ANSWERABLE = ("sent", "snoozed")


@dataclass(frozen=True)
class PressResult:
    outcome: str  # recorded already not_yours stale snooze_limit closed limited
    answer: str = ""  # taken skipped snoozed
    route: str = "oral"
    timezone: str = "UTC"
    language: str = "en"
    until: datetime | None = None
    other_messages: tuple[int, ...] = ()


async def press(
    sessions: Sessions,
    *,
    dose_id: int,
    action: str,
    chat_id: int,
    message_id: int,
    now: datetime,
    protocol: Protocol,
    taken_at: datetime | None = None,
    in_chat: int | None = None,
    stranger: Callable[[], Awaitable[bool]] | None = None,
) -> PressResult:
    """`taken_at`: "Taken earlier, at ..." (checked against the dose's time); the tap's time otherwise.

    `in_chat`: the chat pressed in; the presser's open /time or /timezone question there ends with the press
    (every button ends it: bot/handlers/routes.py), in the press's transaction. `stranger`: the stranger check
    of an update that left it to its handler (bot/inbox_guard.py), run only when the dose is not the presser's (a
    patient is never a stranger); True: over the limit, and nothing is written ("limited").

    The patient's own press is one unit of work on a plain connection (storage/direct.py: on SQLite one trip
    to the database's thread), its commit marking the update handled (storage/unit.py)."""
    key = sessions.kw.get("info", {}).get(AUDIT_KEY_INFO)
    work = partial(_own, dose_id=dose_id, answer=ACTIONS[action], chat_id=chat_id, in_chat=in_chat,
                   message_id=message_id, now=now, protocol=protocol, taken_at=taken_at, key=key)  # fmt: skip
    async with unit.connection(sessions.kw["bind"]) as (conn, claim):
        result = await direct.run(conn, work, mark=claim)
    if result is not None:
        return result
    if stranger is not None and await stranger():
        return PressResult("limited")
    async with sessions() as session:
        if in_chat is not None:
            await dialogues_q.end(session, chat_id=in_chat, user_id=chat_id, kind=SETTINGS)
        await audit.append(session, at=now, actor=f"chat:{chat_id}", action="dose.press", outcome="refused",
                           subject=f"dose:{dose_id}", detail={"reason": "not_yours"})  # fmt: skip
        await session.commit()
    return PressResult("not_yours")


def _refusal(dose: Any, answer: str, now: datetime, protocol: Protocol, taken_at: datetime | None) -> str | None:
    """Why this answer cannot be recorded on the dose as read (an outcome), or None."""
    if dose.patient_status not in ENROLLED:
        return "stale"
    if dose.status in ("taken", "skipped"):
        return "already"
    if dose.status == "unconfirmed":  # the day's window has closed: the reminder is final
        return "closed"
    if dose.status not in ANSWERABLE:
        return "stale"
    if answer == "snoozed" and dose.snoozes >= protocol.doses.max_snoozes:
        return "snooze_limit"
    if taken_at is not None and not (dose.due_at - protocol.doses.taken_earlier_within <= taken_at <= now):
        return "stale"  # a time offered long ago, or forged: nothing recorded
    return None


def _own(
    steps: Steps,
    *,
    dose_id: int,
    answer: str,
    chat_id: int,
    in_chat: int | None,
    message_id: int,
    now: datetime,
    protocol: Protocol,
    taken_at: datetime | None,
    key: bytes | None,
) -> PressResult | None:
    """The press on the presser's own dose: the answer recorded, or why not. None: not the presser's dose (or
    no such dose), and nothing written."""
    read = {"dose": dose_id, "chat": in_chat, "user": chat_id, "kind": SETTINGS}
    dose = next(iter(steps.rows(press_q.READ, read)), None)
    if dose is None or dose.chat_id != chat_id:
        return None
    view = partial(PressResult, route=dose.route, timezone=dose.timezone, language=dose.language)
    refused = _refusal(dose, answer, now, protocol, taken_at)
    changed = refused is None and steps.count(press_q.ANSWER, press_q.answer_params(
        dose_id=dose_id, status=dose.status, snoozes=dose.snoozes, answer=answer, now=now, taken_at=taken_at or now
    ))  # fmt: skip
    ended = 0
    if in_chat is not None and dose.dialogue_open:
        ended = steps.count(dialogues_q.END, {"chat": in_chat, "user": dose.chat_id, "kind": SETTINGS})
    if not changed:  # refused, or another process (or a replay) got there first: the dose is left as it is
        if ended:
            steps.commit()
        if refused is not None:
            return view(refused, answer=dose.status if refused == "already" else "")
        return view("already", answer=answer)
    until = None
    if answer == "snoozed":
        until = now + protocol.doses.snooze
        entry_key = agenda.key_dose(dose_id, "snooze", dose.snoozes + 1)
        entry = agenda.Entry("dose_snooze", entry_key, dose.chat_id, until, dose.patient_id, dose_id)
        agenda.enqueue_one(steps, entry, now=now)
    else:  # answered: its nudge, if still waiting, is not needed
        agenda.drop_key(steps, agenda.key_dose(dose_id, "nudge"), reason="answered")
    detail = {"earlier": True} if taken_at is not None else None
    audit.append_now(steps, key, at=now, actor="patient", action=f"dose.{answer}", subject=f"dose:{dose_id}",
                     detail=detail)  # fmt: skip
    steps.commit()
    others = tuple(m for m in (dose.message_id, dose.nudge_message_id) if m and m != message_id)
    return view("recorded", answer=answer, until=until or taken_at, other_messages=others)
