"""Questionnaires: a patient's, the completed ones, the open one of a chat; optimistic-lock saves."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Dialogue, Patient, Questionnaire
from storage.queries.dialect import insert_ignore


async def of_patient(session: AsyncSession, *, patient_id: int) -> list[Questionnaire]:
    """Every questionnaire of one patient, by week."""
    query = select(Questionnaire).where(Questionnaire.patient_id == patient_id).order_by(col(Questionnaire.week))
    return list((await session.exec(query)).all())


async def completed_of(session: AsyncSession, *, ids: Sequence[int]) -> list[Questionnaire]:
    """These patients' completed questionnaires, by week (0 = baseline first)."""
    query = (
        select(Questionnaire)
        .where(col(Questionnaire.patient_id).in_(ids), col(Questionnaire.status) == "completed")
        .order_by(col(Questionnaire.week))
    )
    return list((await session.exec(query)).all())


async def completed_before(session: AsyncSession, *, patient_id: int, week: int) -> list[Questionnaire]:
    """The patient's questionnaires completed for the weeks before `week`, by week."""
    query = (
        select(Questionnaire)
        .where(
            Questionnaire.patient_id == patient_id,
            Questionnaire.status == "completed",
            col(Questionnaire.week) < week,
        )
        .order_by(col(Questionnaire.week))
    )
    return list((await session.exec(query)).all())


async def mark_completed(session: AsyncSession, *, questionnaire_id: int | None, at: datetime, score: Any) -> None:
    await session.execute(
        update(Questionnaire)
        .where(col(Questionnaire.id) == questionnaire_id)
        .values(status="completed", completed_at=at, score=score)
    )


_QUESTIONNAIRES = Questionnaire.__table__  # type: ignore[attr-defined]
# built once (every answer runs them). The save is on the table, not the entity: no ORM synchronisation (the
# caller sets the values on its copy), and the columns set are the execution's own (SQLAlchemy caches the
# statement compiled per set of columns)
_SAVE = _QUESTIONNAIRES.update().where(
    _QUESTIONNAIRES.c.id == bindparam("questionnaire"), _QUESTIONNAIRES.c.version == bindparam("seen")
)
_DIALOGUE_OPEN = exists().where(
    col(Dialogue.chat_id) == bindparam("chat"),
    col(Dialogue.user_id) == bindparam("user"),
    col(Dialogue.kind) == bindparam("kind"),
)
_FOR_PRESS = (
    select(Questionnaire, Patient, _DIALOGUE_OPEN.label("dialogue_open"))
    .join(Patient, col(Patient.id) == Questionnaire.patient_id)
    .where(col(Questionnaire.id) == bindparam("questionnaire"))
)


async def for_press(
    session: AsyncSession, *, questionnaire_id: int, chat_id: int | None, user_id: int, dialogue: str
) -> tuple[Questionnaire, Patient, bool] | None:
    """The questionnaire, its patient and whether `user_id` has a dialogue of kind `dialogue` open in `chat_id`
    (None: not asked), in one read (a statement built once)."""
    params = {"questionnaire": questionnaire_id, "chat": chat_id, "user": user_id, "kind": dialogue}
    found = (await session.execute(_FOR_PRESS, params)).first()
    return None if found is None else (found[0], found[1], bool(found[2]))


async def save_if_version(
    session: AsyncSession, *, questionnaire_id: int | None, version: int, values: dict[str, Any]
) -> int:
    """Write `values` and the next version only if the row is still at `version`; the rows changed (0 or 1)."""
    params = {"questionnaire": questionnaire_id, "seen": version, "version": version + 1, **values}
    result: Any = await session.execute(_SAVE, params)
    return int(result.rowcount or 0)


async def set_message(session: AsyncSession, *, questionnaire_id: int | None, message_id: int) -> None:
    """The message now showing the questionnaire's current item."""
    await session.execute(
        update(Questionnaire).where(col(Questionnaire.id) == questionnaire_id).values(message_id=message_id)
    )


async def open_of_chat(
    session: AsyncSession, *, chat_id: int, statuses: Sequence[str]
) -> tuple[Questionnaire, Patient] | None:
    """The newest questionnaire in one of `statuses` of the patient of this chat, with the patient."""
    query = (
        select(Questionnaire, Patient)
        .join(Patient, col(Patient.id) == Questionnaire.patient_id)
        .where(Patient.chat_id == chat_id, col(Questionnaire.status).in_(statuses))
        .order_by(col(Questionnaire.id).desc())
    )
    found = (await session.exec(query)).first()
    return None if found is None else (found[0], found[1])


async def answered_since(session: AsyncSession, *, chat_id: int, since: datetime) -> list[Any]:
    """The answers so far of the in-progress questionnaires of this chat's patient last answered at `since`
    or later."""
    query = (
        select(Questionnaire.answers)
        .join(Patient, col(Patient.id) == Questionnaire.patient_id)
        .where(
            col(Patient.chat_id) == chat_id,
            Questionnaire.status == "in_progress",
            col(Questionnaire.last_answer_at) >= since,
        )
    )
    return list((await session.exec(query)).all())


async def in_progress_moments(session: AsyncSession, *, patient_id: int | None) -> list[datetime]:
    """When the patient's in-progress questionnaires were sent and last answered (the moments known)."""
    query = select(Questionnaire.sent_at, Questionnaire.last_answer_at).where(
        Questionnaire.patient_id == patient_id, Questionnaire.status == "in_progress"
    )
    return [m for row in (await session.exec(query)).all() for m in row if m is not None]


async def of_patients(session: AsyncSession, *, ids: Sequence[int | None]) -> list[Questionnaire]:
    """These patients' questionnaires, by patient, then week."""
    query = (
        select(Questionnaire)
        .where(col(Questionnaire.patient_id).in_(ids))
        .order_by(col(Questionnaire.patient_id), col(Questionnaire.week))
    )
    return list((await session.exec(query)).all())


async def end_for_discharge(session: AsyncSession, *, patient_id: int) -> None:
    """The patient's planned questionnaires are not sent; the ones under way (or paused) expire."""
    mine = col(Questionnaire.patient_id) == patient_id
    await session.execute(
        update(Questionnaire).where(mine, col(Questionnaire.status) == "planned").values(status="not_sent")
    )
    await session.execute(
        update(Questionnaire)
        .where(mine, col(Questionnaire.status).in_(("in_progress", "paused")))
        .values(status="expired")
    )


async def delete_of_patient(session: AsyncSession, *, patient_id: int | None) -> int:
    """Every questionnaire of the patient is deleted; the rows deleted."""
    result: Any = await session.execute(delete(Questionnaire).where(col(Questionnaire.patient_id) == patient_id))
    return int(result.rowcount or 0)


async def insert_planned(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Insert the questionnaires not planned yet (unique per patient, kind and week); (id, patient, due) added.
    An executemany on the table (one cached statement, batched), not a VALUES list compiled per call (issue 17)."""
    table = Questionnaire.__table__  # type: ignore[attr-defined]
    stmt = insert_ignore(session, table).on_conflict_do_nothing()
    new = await session.execute(stmt.returning(table.c.id, table.c.patient_id, table.c.due_at), list(rows))
    return list(new.all())


async def expire_due(session: AsyncSession, *, states: Sequence[str], now: datetime) -> list[Any]:
    """Questionnaires in `states` past their expiry become 'expired'; (id, patient id) of each."""
    expired = await session.execute(
        update(Questionnaire)
        .where(col(Questionnaire.status).in_(states), col(Questionnaire.expires_at) <= now)
        .values(status="expired")
        .returning(col(Questionnaire.id), col(Questionnaire.patient_id))
    )
    return list(expired.all())


async def weekly_history(session: AsyncSession, *, patient_id: int, states: Sequence[str]) -> list[Any]:
    """(week, status) of the patient's weekly questionnaires in `states`."""
    query = select(Questionnaire.week, Questionnaire.status).where(
        Questionnaire.patient_id == patient_id,
        col(Questionnaire.week) > 0,
        col(Questionnaire.status).in_(states),
    )
    return list((await session.exec(query)).all())


async def planned_after(session: AsyncSession, *, patient_id: int | None, after: datetime) -> list[Questionnaire]:
    """The patient's planned questionnaires due after `after`."""
    query = select(Questionnaire).where(
        Questionnaire.patient_id == patient_id, Questionnaire.status == "planned", col(Questionnaire.due_at) > after
    )
    return list((await session.exec(query)).all())


async def scores_of(session: AsyncSession, *, ids: Sequence[int]) -> list[Any]:
    """(patient id, score) of these patients' completed questionnaires, by week."""
    query = (
        select(Questionnaire.patient_id, Questionnaire.score)
        .where(col(Questionnaire.patient_id).in_(ids), Questionnaire.status == "completed")
        .order_by(col(Questionnaire.week))
    )
    return list((await session.exec(query)).all())


async def last_answers(session: AsyncSession, *, ids: Sequence[int]) -> list[Any]:
    """(patient id, the latest answer) of these patients, from the questionnaires they answered."""
    query = select(Questionnaire.patient_id, func.max(Questionnaire.last_answer_at)).where(
        col(Questionnaire.patient_id).in_(ids), col(Questionnaire.version) > 0
    )
    return list((await session.execute(query.group_by(col(Questionnaire.patient_id)))).all())


_ANSWERING = select(Questionnaire.patient_id).where(  # built once: every dispatched slice asks
    col(Questionnaire.status) == "in_progress",
    col(Questionnaire.last_answer_at) >= bindparam("since"),
    col(Questionnaire.patient_id).in_(bindparam("ids", expanding=True)),
)


async def answering(session: AsyncSession, *, patient_ids: Collection[int | None], since: datetime) -> set[int]:
    """Which of these patients are answering questions: one in progress, answered since `since`."""
    return set((await session.execute(_ANSWERING, {"since": since, "ids": list(patient_ids)})).scalars().all())
