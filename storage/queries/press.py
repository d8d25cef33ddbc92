"""A press on a dose reminder (services/doses.py): the dose, its patient and whether the presser has a dialogue
open (to end it) in one read (READ: the dose's status, snoozes, due_at, route, message ids; its patient's
patient_id, chat_id, patient_status, timezone, language; `dialogue_open`), the answer as one guarded UPDATE.
Core statements on the tables, built once (this runs on every Taken / Snooze / Skip), run by storage/direct.py:
no ORM loads, no identity map, no session synchronisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select

from storage.models import Dialogue, DoseEvent, Patient

DOSES = DoseEvent.__table__  # type: ignore[attr-defined]
PATIENTS = Patient.__table__  # type: ignore[attr-defined]
DIALOGUES = Dialogue.__table__  # type: ignore[attr-defined]
OPEN = exists().where(  # the presser's dialogue of a kind, in the chat of the press
    DIALOGUES.c.chat_id == bindparam("chat"),
    DIALOGUES.c.user_id == bindparam("user"),
    DIALOGUES.c.kind == bindparam("kind"),
)

READ = (
    select(
        DOSES.c.status,
        DOSES.c.snoozes,
        DOSES.c.due_at,
        DOSES.c.route,
        DOSES.c.message_id,
        DOSES.c.nudge_message_id,
        PATIENTS.c.id.label("patient_id"),
        PATIENTS.c.chat_id,
        PATIENTS.c.status.label("patient_status"),
        PATIENTS.c.timezone,
        PATIENTS.c.language,
        OPEN.label("dialogue_open"),
    )
    .select_from(DOSES.join(PATIENTS, PATIENTS.c.id == DOSES.c.patient_id))
    .where(DOSES.c.id == bindparam("dose"))
)
ANSWER = (
    DOSES.update()
    .where(DOSES.c.id == bindparam("dose"), DOSES.c.status == bindparam("was"), DOSES.c.snoozes == bindparam("n"))
    .values(
        status=bindparam("answer"),
        answered_at=bindparam("now"),
        snoozes=bindparam("snoozes"),
        taken_at=bindparam("taken"),
    )
)


def answer_params(
    *, dose_id: int, status: str, snoozes: int, answer: str, now: datetime, taken_at: datetime | None
) -> dict[str, Any]:
    """ANSWER's parameters: the dose becomes `answer` if it is still as read (`status`, `snoozes`; no row
    changed: another process or a replay was first). A snooze counts one more; `taken_at` kept for a Taken."""
    return {"dose": dose_id, "was": status, "n": snoozes, "answer": answer, "now": now,
            "snoozes": snoozes + (answer == "snoozed"), "taken": taken_at if answer == "taken" else None}  # fmt: skip
