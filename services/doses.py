"""A patient's answer to a dose reminder: Taken / Snooze / Skip. Checked, recorded once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from care.protocol import Protocol
from schedules import agenda
from storage import audit
from storage.engine import Sessions
from storage.queries import outbox as outbox_q
from storage.queries import press as press_q
from storage.status import ENROLLED

ACTIONS = {"t": "taken", "k": "skipped", "s": "snoozed"}
ANSWERABLE = ("sent", "snoozed")


@dataclass(frozen=True)
class PressResult:
    outcome: str  # recorded already not_yours stale snooze_limit closed
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
) -> PressResult:
    """`taken_at`: "Taken earlier, at ..." (checked against the dose's time); the tap's time otherwise."""
    answer = ACTIONS[action]
    async with sessions() as session:
        dose = await press_q.dose_and_patient(session, dose_id=dose_id)
        if dose is None or dose.chat_id != chat_id:
            await audit.append(
                session,
                at=now,
                actor=f"chat:{chat_id}",
                action="dose.press",
                outcome="refused",
                subject=f"dose:{dose_id}",
                detail={"reason": "not_yours"},
            )
            await session.commit()
            return PressResult("not_yours")
        view = partial(PressResult, route=dose.route, timezone=dose.timezone, language=dose.language)
        if dose.patient_status not in ENROLLED:
            return view("stale")
        if dose.status in ("taken", "skipped"):
            return view("already", answer=dose.status)
        if dose.status == "unconfirmed":  # the day's window has closed: the reminder is final
            return view("closed")
        if dose.status not in ANSWERABLE:
            return view("stale")
        if answer == "snoozed" and dose.snoozes >= protocol.doses.max_snoozes:
            return view("snooze_limit")
        if taken_at is not None and not (dose.due_at - protocol.doses.taken_earlier_within <= taken_at <= now):
            return view("stale")  # a time offered long ago, or forged: nothing recorded
        changed = await press_q.answer(
            session,
            dose_id=dose_id,
            status=dose.status,
            snoozes=dose.snoozes,
            answer=answer,
            now=now,
            taken_at=taken_at or now,
        )
        if not changed:  # another process (or a replay) got there first
            await session.rollback()
            return view("already", answer=answer)
        until = None
        if answer == "snoozed":
            until = now + protocol.doses.snooze
            key = agenda.key_dose(dose_id, "snooze", dose.snoozes + 1)
            await agenda.enqueue(
                session, [agenda.Entry("dose_snooze", key, chat_id, until, dose.patient_id, dose_id)], now=now
            )
        if answer != "snoozed":  # answered: its nudge, if still waiting, is not needed
            await agenda.drop(session, outbox_q.with_key(key=agenda.key_dose(dose_id, "nudge")), reason="answered")
        detail = {"earlier": True} if taken_at is not None else None
        await audit.append(
            session, at=now, actor="patient", action=f"dose.{answer}", subject=f"dose:{dose_id}", detail=detail
        )
        await session.commit()
        others = tuple(m for m in (dose.message_id, dose.nudge_message_id) if m and m != message_id)
        return view("recorded", answer=answer, until=until or taken_at, other_messages=others)
