"""The red-flag screen inside a questionnaire: none of these, or mark the symptoms and Done (one save)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from care.instruments import NONE, RED_FLAGS, Item
from care.protocol import Protocol
from schedules import flagging
from services.questionnaire_step import Step, after, save
from services.questionnaire_views import dump_answers, load_answers, screen_keys, uses_injections, view_of
from services.red_flag_advice import advice_facts
from storage.models import Patient, Questionnaire


async def red_flag_screen(
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
        if not await save(session, q, last_answer_at=now, **values):
            return Step("old")
        advice = None
        if chosen:
            assert q.id is not None
            await flagging.on_red_flags(session, patient=patient, report=str(q.id), items=chosen, now=now)
            advice = await advice_facts(session, patient, chosen, protocol)
        return await after(
            session, q, patient, items, RED_FLAGS, chosen or (NONE,), now=now, protocol=protocol, advice=advice
        )
    if not await save(session, q, draft=changed, last_answer_at=now):
        return Step("old")
    outcome = "toggled" if code[:1] == "t" else "switched"
    return Step(outcome, next=view_of(q, protocol, injections=uses_injections(patient.regimen)))
