"""A press (or a typed number) on a questionnaire's current item: checked against its state, then saved."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from care.instruments import NONE, RED_FLAGS, Answer, applicable, next_item
from care.protocol import Protocol
from services.questionnaire_red_flags import red_flag_screen
from services.questionnaire_step import Step, after, save
from services.questionnaire_views import (
    dump_answers,
    items_of,
    load_answers,
    parse_choice,
    toggle,
    uses_injections,
    view_of,
)
from storage.models import Patient, Questionnaire
from storage.status import ENROLLED

OPEN = ("in_progress", "paused")


async def answer(
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
        saved = await save(session, q, status="paused")
        return Step("paused" if saved else "old", expires_at=q.expires_at)
    if code == "c":
        saved = await save(session, q, status="in_progress", last_answer_at=now)
        return Step("resumed", next=view_of(q, protocol, injections=injections)) if saved else Step("old")
    if position != items.index(current):
        return Step("old")
    if current.screen == RED_FLAGS and (code != "b" or q.draft is not None):
        return await red_flag_screen(session, q, patient, items, code=code, now=now, protocol=protocol)
    if code == "b":
        answered = [i for i in applicable(items, answers) if i.key in answers]
        if not answered:
            return Step("invalid")
        answers.pop(answered[-1].key)
        saved = await save(session, q, answers=dump_answers(answers), draft=None, last_answer_at=now)
        return Step("back", next=view_of(q, protocol, injections=injections)) if saved else Step("old")
    answer: Answer | None
    if str(current.kind) == "multi":
        draft = tuple(q.draft or ())
        index = int(code[1:]) if code.startswith("t") and re.fullmatch(r"[0-9]{1,2}", code[1:]) else -1
        choice = str(current.choices[index]) if 0 <= index < len(current.choices) else None
        if choice is not None and choice != NONE:
            saved = await save(session, q, draft=list(toggle(draft, choice)), last_answer_at=now)
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
    if not await save(session, q, answers=dump_answers(answers), draft=None, last_answer_at=now, status="in_progress"):
        return Step("old")
    return await after(session, q, patient, items, current.key, answer, now=now, protocol=protocol)
