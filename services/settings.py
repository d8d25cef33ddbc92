"""/time and /timezone as a short dialogue kept in the Dialogue table (it survives restarts).

Steps: "time" or "zone" (a button or a typed answer is expected), then "confirm" when the change needs a
transition dose: the proposal is kept in the row and applied only when the patient confirms it. A
question sent after /time (a questionnaire item) takes precedence: typed text goes to it, and the
dialogue ends. No Telegram here: handlers pass the chat, the user and the answer, and get an Outcome.
The row itself (found, replaced, claimed): services/settings_dialogue.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from care.protocol import Protocol
from services.settings_change import BadAnswer, Outcome, change, parse_time, parse_zone
from services.settings_dialogue import IDLE, KIND, claim, find, patient_of, pending, put, view_of
from storage.engine import Sessions
from storage.queries import dialogues as dialogues_q
from storage.queries import questionnaires as questionnaires_q


async def begin(sessions: Sessions, *, chat_id: int, user_id: int, what: str, now: datetime) -> Outcome:
    """/time (`what` "time") or /timezone ("zone") without an argument: ask, and wait for the answer."""
    async with sessions() as session:
        view = view_of(f"ask_{what}", await patient_of(session, chat_id))
    if view.kind == f"ask_{what}":
        await put(sessions, chat_id, user_id, what, {}, now)
    return view


async def answer(
    sessions: Sessions,
    *,
    chat_id: int,
    user_id: int,
    what: str,
    value: str,
    now: datetime,
    protocol: Protocol,
    tries: int = 0,
) -> Outcome:
    """A time or a zone (a button, typed text, or the command's argument): applied, or to confirm.

    A wrong answer is asked again once (`tries` wrong answers so far); the next wrong one ends the question."""
    zone = at = None
    try:
        zone, at = (parse_zone(value), None) if what == "zone" else (None, parse_time(value))
        outcome = await change(sessions, chat_id=chat_id, zone=zone, at=at, now=now, protocol=protocol)
    except BadAnswer as bad:
        async with sessions() as session:
            view = view_of("invalid", await patient_of(session, chat_id))
        if view.kind == "invalid" and tries >= 1:  # asked again once already: the question ends here
            await put(sessions, chat_id, user_id, None, None, now)
            return replace(view, kind="gave_up", error=bad.key, params=bad.params, what=what)
        if view.kind == "invalid":  # the question stays open once more: the patient may type again
            await put(sessions, chat_id, user_id, what, {"tries": tries + 1}, now)
            return replace(view, error=bad.key, params=bad.params, what=what)
        return view
    await _settle(sessions, chat_id, user_id, outcome, {"what": what, "zone": zone, "time": at}, now)
    return replace(outcome, what=what)


async def _settle(sessions: Sessions, chat_id: int, user_id: int, outcome: Outcome, data: Any, now: datetime) -> None:
    if outcome.kind == "confirm" and outcome.transition is not None:
        data = {**data, "transition": outcome.transition.isoformat()}
        data["previous"] = outcome.previous.isoformat() if outcome.previous else None
        await put(sessions, chat_id, user_id, "confirm", data, now)
    else:
        await put(sessions, chat_id, user_id, None, None, now)


async def typed(
    sessions: Sessions, *, chat_id: int, user_id: int, text: str, now: datetime, protocol: Protocol
) -> Outcome:
    """Typed text in a chat with a /time or /timezone question open; kind "none" when there is none."""
    async with sessions() as session:
        dialogue = await find(session, chat_id, user_id)
        if dialogue is None:
            return Outcome("none")
        patient = await patient_of(session, chat_id)
        moments = await questionnaires_q.in_progress_moments(session, patient_id=patient.id if patient else None)
    view = view_of("expired", patient)
    if any(m > dialogue.updated_at for m in moments):
        await put(sessions, chat_id, user_id, None, None, now)
        return Outcome("none")  # a questionnaire item came after the question: the text is for it
    if dialogue.updated_at + IDLE < now:
        await put(sessions, chat_id, user_id, None, None, now)
        return view
    if dialogue.step == "confirm":
        return pending(view, dialogue.data)
    tries = int(dialogue.data.get("tries", 0))
    ids = {"chat_id": chat_id, "user_id": user_id}
    outcome = await answer(sessions, **ids, what=dialogue.step, value=text, now=now, protocol=protocol, tries=tries)
    if outcome.kind == "gave_up" and moments:  # a questionnaire is open: the text may be meant for it
        return Outcome("none")
    return outcome


async def end(sessions: Sessions, *, chat_id: int, user_id: int) -> bool:
    """Another command or button: an open /time or /timezone question ends quietly. True when one did."""
    async with sessions() as session:
        ended = await dialogues_q.end(session, chat_id=chat_id, user_id=user_id, kind=KIND)
        if ended:  # nothing to end (nearly always): no write, so the button's own commit is the only one
            await session.commit()
    return bool(ended)


async def confirm(
    sessions: Sessions, *, chat_id: int, user_id: int, yes: bool, now: datetime, protocol: Protocol
) -> Outcome:
    """The patient's answer to a proposed transition dose: apply it, or change nothing."""
    async with sessions() as session:
        dialogue = await find(session, chat_id, user_id)
        view = view_of("cancelled", await patient_of(session, chat_id))
    if dialogue is None or dialogue.step != "confirm" or not await claim(sessions, dialogue):
        return Outcome("stale", view.language)  # no question open, or a double tap: the first one answers
    if dialogue.updated_at + IDLE < now:
        return replace(view, kind="expired")
    if not yes:
        return view
    data = dialogue.data
    confirmed = datetime.fromisoformat(data["transition"])
    zone, at = data.get("zone"), data.get("time")
    outcome = await change(sessions, chat_id=chat_id, zone=zone, at=at, now=now, protocol=protocol, confirmed=confirmed)
    await _settle(sessions, chat_id, user_id, outcome, {k: data.get(k) for k in ("what", "zone", "time")}, now)
    return replace(outcome, what=data.get("what") or "time")


async def cancel(sessions: Sessions, *, chat_id: int, user_id: int) -> Outcome:
    """/cancel: end an open /time or /timezone question (kind "none" when there is none and the sender is
    no patient, or has another dialogue open: /enrol's; "nothing" for a patient with nothing open)."""
    async with sessions() as session:
        found = await find(session, chat_id, user_id)
        patient = await patient_of(session, chat_id)
        view = view_of("cancelled", patient)
        # not the chat's red-flag screen (user_id 0, symptoms.py)
        other = await dialogues_q.id_of_user(session, chat_id=chat_id, user_id=user_id)
    if found is None:
        return replace(view, kind="nothing") if patient is not None and other is None else Outcome("none")
    await put(sessions, chat_id, user_id, None, None, found.updated_at)
    return view
