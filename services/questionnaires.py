"""Answering a questionnaire, one button at a time. State lives in the row; presses are checked.

A press is checked and applied in questionnaire_answers.py (the red-flag screen: questionnaire_red_flags.py);
what it came to is a Step (questionnaire_step.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from care.protocol import Protocol
from services.questionnaire_answers import OPEN, answer
from services.questionnaire_step import Step
from services.questionnaire_views import ItemView, uses_injections, view_of
from services.settings_dialogue import KIND as SETTINGS
from storage import audit
from storage.engine import Sessions
from storage.queries import dialogues as dialogues_q
from storage.queries import questionnaires as questionnaires_q

MOVING = (
    "answered",
    "completed",
    "toggled",
    "switched",
    "back",
    "paused",
    "resumed",
)  # presses that change the message


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
    in_chat: int | None = None,
    stranger: Callable[[], Awaitable[bool]] | None = None,
) -> Step:
    """A press (or a typed number) on item `position`. `message_id`: the message pressed, which becomes the
    questionnaire's one message when the press counts (None for a typed answer: the stored one stays).

    `in_chat`: the chat pressed in; the presser's open /time or /timezone question there ends with the press
    (every button ends it: bot/handlers/routes.py), in the press's transaction. `stranger`: the stranger check
    of an update that left it to its handler (bot/inbox_guard.py), run only when the questionnaire is not the
    presser's (a patient is never a stranger); True: over the limit, and nothing is written ("limited")."""
    async with sessions() as session:
        found = await questionnaires_q.for_press(
            session, questionnaire_id=questionnaire_id, chat_id=in_chat, user_id=chat_id, dialogue=SETTINGS
        )
        q, patient, dialogue_open = found or (None, None, False)
        if q is not None and patient is not None and patient.chat_id == chat_id:
            if in_chat is not None and dialogue_open:
                await dialogues_q.end(session, chat_id=in_chat, user_id=chat_id, kind=SETTINGS)
            step = await answer(session, q, patient, position=position, code=code, now=now, protocol=protocol)
            shown = q.message_id
            if message_id is not None and step.outcome in MOVING and message_id != shown:
                await questionnaires_q.set_message(session, questionnaire_id=q.id, message_id=message_id)
                shown = message_id
            await session.commit()
            return replace(
                step, language=patient.language, timezone=patient.timezone, questionnaire_id=q.id, message_id=shown
            )
    if stranger is not None and await stranger():
        return Step("limited")
    async with sessions() as session:
        if in_chat is not None:
            await dialogues_q.end(session, chat_id=in_chat, user_id=chat_id, kind=SETTINGS)
        audit.record(session, at=now, actor=f"chat:{chat_id}", action="questionnaire.press", outcome="refused",
                     subject=f"questionnaire:{questionnaire_id}", detail={"reason": "not_yours"})  # fmt: skip
        await session.commit()
    return Step("not_yours")


async def moved(sessions: Sessions, *, questionnaire_id: int, message_id: int) -> None:
    """The questions went on in a new message (after advice, or when the old one could not be edited)."""
    async with sessions() as session:
        await questionnaires_q.set_message(session, questionnaire_id=questionnaire_id, message_id=message_id)
        await session.commit()


async def current_for_chat(sessions: Sessions, chat_id: int, protocol: Protocol) -> ItemView | None:
    async with sessions() as session:
        found = await questionnaires_q.open_of_chat(session, chat_id=chat_id, statuses=OPEN)
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
