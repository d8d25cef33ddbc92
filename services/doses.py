"""A patient's answer to a dose reminder: Taken / Snooze / Skip. Checked, recorded once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import update
from sqlmodel import col

from care.protocol import Protocol
from schedules import agenda
from schedules.sql import rowcount
from storage import audit
from storage.engine import Sessions
from storage.models import DoseEvent, Outbox, Patient
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
        dose = await session.get(DoseEvent, dose_id)
        patient = await session.get(Patient, dose.patient_id) if dose is not None else None
        if dose is None or patient is None or patient.chat_id != chat_id:
            audit.record(
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
        view = partial(PressResult, route=dose.route, timezone=patient.timezone, language=patient.language)
        if patient.status not in ENROLLED:
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
        changed = rowcount(
            await session.execute(
                update(DoseEvent)
                .where(
                    col(DoseEvent.id) == dose_id,
                    col(DoseEvent.status) == dose.status,
                    col(DoseEvent.snoozes) == dose.snoozes,
                )
                .values(
                    status=answer,
                    answered_at=now,
                    snoozes=dose.snoozes + (answer == "snoozed"),
                    taken_at=(taken_at or now) if answer == "taken" else None,
                )
            )
        )
        if not changed:  # another process (or a replay) got there first
            await session.rollback()
            return view("already", answer=answer)
        until = None
        if answer == "snoozed":
            until = now + protocol.doses.snooze
            key = agenda.key_dose(dose_id, "snooze", dose.snoozes + 1)
            await agenda.enqueue(
                session, [agenda.Entry("dose_snooze", key, chat_id, until, patient.id, dose_id)], now=now
            )
        if answer != "snoozed":  # answered: its nudge, if still waiting, is not needed
            await agenda.drop(session, col(Outbox.dedupe_key) == agenda.key_dose(dose_id, "nudge"), reason="answered")
        detail = {"earlier": True} if taken_at is not None else None
        audit.record(
            session, at=now, actor="patient", action=f"dose.{answer}", subject=f"dose:{dose_id}", detail=detail
        )
        await session.commit()
        others = tuple(m for m in (dose.message_id, dose.nudge_message_id) if m and m != message_id)
        return view("recorded", answer=answer, until=until or taken_at, other_messages=others)
