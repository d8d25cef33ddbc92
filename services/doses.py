"""A patient's answer to a dose reminder: Taken / Snooze / Skip. Checked, recorded once, in one transaction: the
dose, the nudge it no longer needs (or the snooze's reminder), the audit row, the end of an open /time
question, and (storage/unit.py) the update marked handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from schedules import agenda
from services.settings_dialogue import KIND as SETTINGS
from storage import audit
from storage.engine import Sessions
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
    patient is never a stranger); True: over the limit, and nothing is written ("limited")."""
    async with sessions() as session:
        dose = await press_q.dose_and_patient(session, dose_id=dose_id, chat_id=in_chat, user_id=chat_id, kind=SETTINGS)
        if dose is not None and dose.chat_id == chat_id:
            return await _record(session, dose, ACTIONS[action], dose_id=dose_id, in_chat=in_chat,
                                 message_id=message_id, now=now, protocol=protocol, taken_at=taken_at)  # fmt: skip
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


async def _record(
    session: AsyncSession,
    dose: Any,
    answer: str,
    *,
    dose_id: int,
    in_chat: int | None,
    message_id: int,
    now: datetime,
    protocol: Protocol,
    taken_at: datetime | None,
) -> PressResult:
    """The patient's own dose, as read in `session`: the answer recorded there, or why not."""
    view = partial(PressResult, route=dose.route, timezone=dose.timezone, language=dose.language)
    refused = _refusal(dose, answer, now, protocol, taken_at)
    changed = refused is None and await press_q.answer(
        session, dose_id=dose_id, status=dose.status, snoozes=dose.snoozes, answer=answer, now=now,
        taken_at=taken_at or now,
    )  # fmt: skip
    ended = 0
    if in_chat is not None and dose.dialogue_open:
        ended = await dialogues_q.end(session, chat_id=in_chat, user_id=dose.chat_id, kind=SETTINGS)
    if not changed:  # refused, or another process (or a replay) got there first: the dose is left as it is
        if ended:
            await session.commit()
        if refused is not None:
            return view(refused, answer=dose.status if refused == "already" else "")
        return view("already", answer=answer)
    until = None
    if answer == "snoozed":
        until = now + protocol.doses.snooze
        key = agenda.key_dose(dose_id, "snooze", dose.snoozes + 1)
        entry = agenda.Entry("dose_snooze", key, dose.chat_id, until, dose.patient_id, dose_id)
        await agenda.enqueue(session, [entry], now=now)
    else:  # answered: its nudge, if still waiting, is not needed
        await agenda.drop_key(session, agenda.key_dose(dose_id, "nudge"), reason="answered")
    detail = {"earlier": True} if taken_at is not None else None
    await audit.append(
        session, at=now, actor="patient", action=f"dose.{answer}", subject=f"dose:{dose_id}", detail=detail
    )
    await session.commit()
    others = tuple(m for m in (dose.message_id, dose.nudge_message_id) if m and m != message_id)
    return view("recorded", answer=answer, until=until or taken_at, other_messages=others)
