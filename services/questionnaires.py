"""Answering a questionnaire, one button at a time. State lives in the row; presses are checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from care.instruments import NONE, RED_FLAGS, Answer, Item, applicable, next_item
from care.protocol import Protocol
from schedules import flagging
from schedules.sql import rowcount
from services.questionnaire_outcomes import complete
from services.questionnaire_views import (
    ItemView,
    dump_answers,
    items_of,
    load_answers,
    parse_choice,
    screen_keys,
    toggle,
    uses_injections,
    view_of,
)
from services.symptoms import AdviceFacts, advice_facts
from storage import audit
from storage.engine import Sessions
from storage.models import Patient, Questionnaire
from storage.status import ENROLLED

OPEN = ("in_progress", "paused")
MOVING = (
    "answered",
    "completed",
    "toggled",
    "switched",
    "back",
    "paused",
    "resumed",
)  # presses that change the message


@dataclass(frozen=True)
class Step:
    outcome: str  # answered completed toggled switched back paused resumed not_yours closed old invalid
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


async def _save(session: AsyncSession, q: Questionnaire, **values: Any) -> bool:
    """Write `values` only if nobody changed the row since it was read (optimistic lock)."""
    result = await session.execute(
        update(Questionnaire)
        .where(col(Questionnaire.id) == q.id, col(Questionnaire.version) == q.version)
        .values(version=q.version + 1, **values)
    )
    if not rowcount(result):
        return False
    session.expunge(q)
    for key, value in values.items():
        setattr(q, key, value)
    q.version += 1
    return True


async def press(
    sessions: Sessions,
    *,
    questionnaire_id: int,
    position: int,
    code: str,
    chat_id: int,
    now: datetime,
    protocol: Protocol,
    message_id: int | None = None,
) -> Step:
    """A press (or a typed number) on item `position`. `message_id`: the message pressed, which becomes the
    questionnaire's one message when the press counts (None for a typed answer: the stored one stays)."""
    async with sessions() as session:
        q = await session.get(Questionnaire, questionnaire_id)
        patient = await session.get(Patient, q.patient_id) if q is not None else None
        if q is None or patient is None or patient.chat_id != chat_id:
            audit.record(
                session,
                at=now,
                actor=f"chat:{chat_id}",
                action="questionnaire.press",
                outcome="refused",
                subject=f"questionnaire:{questionnaire_id}",
                detail={"reason": "not_yours"},
            )
            await session.commit()
            return Step("not_yours")
        step = await _press(session, q, patient, position=position, code=code, now=now, protocol=protocol)
        shown = q.message_id
        if message_id is not None and step.outcome in MOVING and message_id != shown:
            await session.execute(
                update(Questionnaire).where(col(Questionnaire.id) == q.id).values(message_id=message_id)
            )
            shown = message_id
        await session.commit()
        return replace(
            step, language=patient.language, timezone=patient.timezone, questionnaire_id=q.id, message_id=shown
        )


async def moved(sessions: Sessions, *, questionnaire_id: int, message_id: int) -> None:
    """The questions went on in a new message (after advice, or when the old one could not be edited)."""
    async with sessions() as session:
        await session.execute(
            update(Questionnaire).where(col(Questionnaire.id) == questionnaire_id).values(message_id=message_id)
        )
        await session.commit()


async def _press(
    session: AsyncSession,
    q: Questionnaire,
    patient: Patient,
    *,
    position: int,
    code: str,
    now: datetime,
    protocol: Protocol,
) -> Step:
    if q.status not in OPEN or patient.status not in ENROLLED:
        return Step("closed")
    injections = uses_injections(patient.regimen)
    items, answers = items_of(q, protocol, injections=injections), load_answers(q.answers)
    current = next_item(items, answers)
    if current is None:
        return Step("closed")
    if code == "l":
        saved = await _save(session, q, status="paused")
        return Step("paused" if saved else "old", expires_at=q.expires_at)
    if code == "c":
        saved = await _save(session, q, status="in_progress", last_answer_at=now)
        return Step("resumed", next=view_of(q, protocol, injections=injections)) if saved else Step("old")
    if position != items.index(current):
        return Step("old")
    if current.screen == RED_FLAGS and (code != "b" or q.draft is not None):
        return await _red_flag_screen(session, q, patient, items, code=code, now=now, protocol=protocol)
    if code == "b":
        answered = [i for i in applicable(items, answers) if i.key in answers]
        if not answered:
            return Step("invalid")
        answers.pop(answered[-1].key)
        saved = await _save(session, q, answers=dump_answers(answers), draft=None, last_answer_at=now)
        return Step("back", next=view_of(q, protocol, injections=injections)) if saved else Step("old")
    answer: Answer | None
    if str(current.kind) == "multi":
        draft = tuple(q.draft or ())
        index = int(code[1:]) if code.startswith("t") and re.fullmatch(r"[0-9]{1,2}", code[1:]) else -1
        choice = str(current.choices[index]) if 0 <= index < len(current.choices) else None
        if choice is not None and choice != NONE:
            saved = await _save(session, q, draft=list(toggle(draft, choice)), last_answer_at=now)
            return Step("toggled", next=view_of(q, protocol, injections=injections)) if saved else Step("old")
        # "None of these" answers at once (one tap); Done answers with the ones marked
        answer = (NONE,) if choice == NONE else draft if code == "d" and draft else None
    else:
        answer = parse_choice(current, code)
    try:
        answer = current.validate(answer) if answer is not None else None
    except ValueError:
        answer = None
    if answer is None:
        return Step("invalid")
    answers[current.key] = answer
    if not await _save(session, q, answers=dump_answers(answers), draft=None, last_answer_at=now, status="in_progress"):
        return Step("old")
    return await _after(session, q, patient, items, current.key, answer, now=now, protocol=protocol)


async def _after(
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


async def _red_flag_screen(
    session: AsyncSession,
    q: Questionnaire,
    patient: Patient,
    items: tuple[Item, ...],
    *,
    code: str,
    now: datetime,
    protocol: Protocol,
) -> Step:
    """The red-flag screen (bot/render/red_flag_screen.py codes): n none of these, y yes (pick), t<i> mark/unmark,
    d done, b back to the list. The answer: each of the screen's items yes or no, all in one save."""
    answers = load_answers(q.answers)
    keys = screen_keys(items, answers)
    draft = None if q.draft is None else tuple(str(k) for k in q.draft)
    changed: list[str] | None = None
    if draft is None and code == "y":
        changed = []
    elif draft is not None and code == "b":
        changed = None
    elif draft is not None and code[:1] == "t" and re.fullmatch(r"[0-9]{1,2}", code[1:]) and int(code[1:]) < len(keys):
        key = keys[int(code[1:])]
        changed = [k for k in draft if k != key] if key in draft else [*draft, key]
    elif not ((draft is None and code == "n") or (draft and code == "d")):
        return Step("invalid")
    else:
        chosen = draft or ()
        answers.update({key: key in chosen for key in keys})
        values = {"answers": dump_answers(answers), "draft": None, "status": "in_progress"}
        if not await _save(session, q, last_answer_at=now, **values):
            return Step("old")
        advice = None
        if chosen:
            assert q.id is not None
            await flagging.on_red_flags(session, patient=patient, report=str(q.id), items=chosen, now=now)
            advice = await advice_facts(session, patient, chosen, protocol)
        return await _after(
            session, q, patient, items, RED_FLAGS, chosen or (NONE,), now=now, protocol=protocol, advice=advice
        )
    if not await _save(session, q, draft=changed, last_answer_at=now):
        return Step("old")
    outcome = "toggled" if code[:1] == "t" else "switched"
    return Step(outcome, next=view_of(q, protocol, injections=uses_injections(patient.regimen)))


async def current_for_chat(sessions: Sessions, chat_id: int, protocol: Protocol) -> ItemView | None:
    async with sessions() as session:
        found = (
            await session.exec(
                select(Questionnaire, Patient)
                .join(Patient, col(Patient.id) == Questionnaire.patient_id)
                .where(Patient.chat_id == chat_id, col(Questionnaire.status).in_(OPEN))
                .order_by(col(Questionnaire.id).desc())
            )
        ).first()
    if found is None:
        return None
    q, patient = found
    return view_of(q, protocol, injections=uses_injections(patient.regimen))


async def typed(sessions: Sessions, *, chat_id: int, text: str, now: datetime, protocol: Protocol) -> Step | None:
    """A number typed for a 0-10 item counts as the answer. None when no questionnaire is open."""
    view = await current_for_chat(sessions, chat_id, protocol)
    if view is None:
        return None
    value = text.strip()
    # ASCII digits only: "⁷" passes str.isdigit() and then int() raised, with the answer in the log
    if view.kind != "nrs" or not re.fullmatch(r"[0-9]{1,2}", value) or int(value) > 10:
        return Step("use_buttons_nrs" if view.kind == "nrs" else "use_buttons")
    return await press(
        sessions,
        questionnaire_id=view.questionnaire_id,
        position=view.position,
        code=str(int(value)),
        chat_id=chat_id,
        now=now,
        protocol=protocol,
    )
