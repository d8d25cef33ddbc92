"""One press on a questionnaire: what it came to (Step), the optimistic-lock save, the step after an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.instruments import Answer, Item
from care.protocol import Protocol
from services.questionnaire_outcomes import complete
from services.questionnaire_views import ItemView, load_answers, uses_injections, view_of
from services.red_flag_advice import AdviceFacts
from storage.models import Patient, Questionnaire
from storage.queries import questionnaires as questionnaires_q


@dataclass(frozen=True)
class Step:
    outcome: str  # answered completed toggled switched back paused resumed not_yours limited closed old invalid
    language: str = "en"
    answered_key: str | None = None
    answer: Answer | None = None
    next: ItemView | None = None
    advice: AdviceFacts | None = None  # red flags reported: the advice to give (bot/render/red_flags.py)
    expires_at: datetime | None = None
    timezone: str = "UTC"
    questionnaire_id: int | None = None
    message_id: int | None = None  # the questionnaire's one message (edited in place), as stored
    answers: tuple[tuple[str, Answer], ...] = ()  # completed: every answer, in the order asked (the summary)


async def save(session: AsyncSession, q: Questionnaire, **values: Any) -> bool:
    """Write `values` only if nobody changed the row since it was read (optimistic lock)."""
    if not await questionnaires_q.save_if_version(session, questionnaire_id=q.id, version=q.version, values=values):
        return False
    session.expunge(q)
    for key, value in values.items():
        setattr(q, key, value)
    q.version += 1
    return True


async def after(
    session: AsyncSession,
    q: Questionnaire,
    patient: Patient,
    items: tuple[Item, ...],
    key: str,
    answer: Answer,
    *,
    now: datetime,
    protocol: Protocol,
    advice: AdviceFacts | None = None,
) -> Step:
    """The step after an answer was saved: the next question, or the questionnaire completed."""
    following = view_of(q, protocol, injections=uses_injections(patient.regimen))
    if following is None:
        await complete(session, q, patient, now=now, protocol=protocol)
        answers = load_answers(q.answers)
        asked = tuple((i.key, answers[i.key]) for i in items if i.key in answers)
        return Step("completed", answered_key=key, answer=answer, advice=advice, answers=asked)
    return Step("answered", answered_key=key, answer=answer, next=following, advice=advice)
