"""/time and /timezone as a short dialogue kept in the Dialogue table (it survives restarts).

Steps: "time" or "zone" (a button or a typed answer is expected), then "confirm" when the change needs a
transition dose: the proposal is kept in the row and applied only when the patient confirms it. A
question sent after /time (a questionnaire item) takes precedence: typed text goes to it, and the
dialogue ends. No Telegram here: handlers pass the chat, the user and the answer, and get an Outcome.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from care.protocol import Protocol
from services.settings_change import BadAnswer, Outcome, change, parse_time, parse_zone
from storage.engine import Sessions
from storage.models import Dialogue, Patient, Questionnaire
from storage.status import ENROLLED

KIND = "settings"
IDLE = timedelta(minutes=30)


async def _patient(session: AsyncSession, chat_id: int) -> Patient | None:
    return (await session.exec(select(Patient).where(col(Patient.chat_id) == chat_id))).first()


def _view(kind: str, patient: Patient | None) -> Outcome:
    if patient is None:
        return Outcome("not_enrolled")
    if patient.status not in ENROLLED and kind != "expired":
        kind = patient.status if patient.status in ("stopped", "discharged") else "not_enrolled"
    paused = patient.status == "paused"
    return Outcome(kind, patient.language, patient.timezone, patient.reminder_time, paused=paused)


async def _find(session: AsyncSession, chat_id: int, user_id: int) -> Dialogue | None:
    query = select(Dialogue).where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id, Dialogue.kind == KIND)
    return (await session.exec(query)).first()


async def _put(sessions: Sessions, chat_id: int, user_id: int, step: str | None, data: Any, now: datetime) -> None:
    """Replace this chat's dialogue with `step` (None: end it)."""
    async with sessions() as session:
        await session.exec(delete(Dialogue).where(col(Dialogue.chat_id) == chat_id, col(Dialogue.user_id) == user_id))
        if step is not None:
            session.add(Dialogue(chat_id=chat_id, user_id=user_id, kind=KIND, step=step, data=data, updated_at=now))
        await session.commit()


async def begin(sessions: Sessions, *, chat_id: int, user_id: int, what: str, now: datetime) -> Outcome:
    """/time (`what` "time") or /timezone ("zone") without an argument: ask, and wait for the answer."""
    async with sessions() as session:
        view = _view(f"ask_{what}", await _patient(session, chat_id))
    if view.kind == f"ask_{what}":
        await _put(sessions, chat_id, user_id, what, {}, now)
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
            view = _view("invalid", await _patient(session, chat_id))
        if view.kind == "invalid" and tries >= 1:  # asked again once already: the question ends here
            await _put(sessions, chat_id, user_id, None, None, now)
            return replace(view, kind="gave_up", error=bad.key, params=bad.params, what=what)
        if view.kind == "invalid":  # the question stays open once more: the patient may type again
            await _put(sessions, chat_id, user_id, what, {"tries": tries + 1}, now)
            return replace(view, error=bad.key, params=bad.params, what=what)
        return view
    await _settle(sessions, chat_id, user_id, outcome, {"what": what, "zone": zone, "time": at}, now)
    return replace(outcome, what=what)


async def _settle(sessions: Sessions, chat_id: int, user_id: int, outcome: Outcome, data: Any, now: datetime) -> None:
    if outcome.kind == "confirm" and outcome.transition is not None:
        data = {**data, "transition": outcome.transition.isoformat()}
        data["previous"] = outcome.previous.isoformat() if outcome.previous else None
        await _put(sessions, chat_id, user_id, "confirm", data, now)
    else:
        await _put(sessions, chat_id, user_id, None, None, now)


async def typed(
    sessions: Sessions, *, chat_id: int, user_id: int, text: str, now: datetime, protocol: Protocol
) -> Outcome:
    """Typed text in a chat with a /time or /timezone question open; kind "none" when there is none."""
    async with sessions() as session:
        dialogue = await _find(session, chat_id, user_id)
        if dialogue is None:
            return Outcome("none")
        patient = await _patient(session, chat_id)
        asked = select(Questionnaire.sent_at, Questionnaire.last_answer_at).where(
            Questionnaire.patient_id == (patient.id if patient else None), Questionnaire.status == "in_progress"
        )
        moments = [m for row in (await session.exec(asked)).all() for m in row if m is not None]
    view = _view("expired", patient)
    if any(m > dialogue.updated_at for m in moments):
        await _put(sessions, chat_id, user_id, None, None, now)
        return Outcome("none")  # a questionnaire item came after the question: the text is for it
    if dialogue.updated_at + IDLE < now:
        await _put(sessions, chat_id, user_id, None, None, now)
        return view
    if dialogue.step == "confirm":
        return _pending(view, dialogue.data)
    tries = int(dialogue.data.get("tries", 0))
    ids = {"chat_id": chat_id, "user_id": user_id}
    outcome = await answer(sessions, **ids, what=dialogue.step, value=text, now=now, protocol=protocol, tries=tries)
    if outcome.kind == "gave_up" and moments:  # a questionnaire is open: the text may be meant for it
        return Outcome("none")
    return outcome


def _pending(view: Outcome, data: dict[str, Any]) -> Outcome:
    """The confirmation still open, shown again."""
    return Outcome(
        "confirm",
        view.language,
        data.get("zone") or view.timezone,
        data.get("time") or view.reminder_time,
        transition=datetime.fromisoformat(data["transition"]),
        previous=datetime.fromisoformat(data["previous"]) if data.get("previous") else None,
        what=data.get("what") or "time",
    )


DIALOGUES = Dialogue.__table__  # type: ignore[attr-defined]
# built once (it runs on every button press); the table, not the entity: no ORM synchronisation to do
END = DIALOGUES.delete().where(
    DIALOGUES.c.chat_id == bindparam("chat"), DIALOGUES.c.user_id == bindparam("user"), DIALOGUES.c.kind == KIND
)


async def end(sessions: Sessions, *, chat_id: int, user_id: int) -> bool:
    """Another command or button: an open /time or /timezone question ends quietly. True when one did."""
    async with sessions() as session:
        result: Any = await session.execute(END, {"chat": chat_id, "user": user_id})
        if result.rowcount:  # nothing to end (nearly always): no write, so the button's own commit is the only one
            await session.commit()
    return bool(result.rowcount)


async def confirm(
    sessions: Sessions, *, chat_id: int, user_id: int, yes: bool, now: datetime, protocol: Protocol
) -> Outcome:
    """The patient's answer to a proposed transition dose: apply it, or change nothing."""
    async with sessions() as session:
        dialogue = await _find(session, chat_id, user_id)
        view = _view("cancelled", await _patient(session, chat_id))
    if dialogue is None or dialogue.step != "confirm" or not await _claim(sessions, dialogue):
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


async def _claim(sessions: Sessions, dialogue: Dialogue) -> bool:
    async with sessions() as session:
        claim = delete(Dialogue).where(col(Dialogue.id) == dialogue.id, col(Dialogue.step) == "confirm")
        claimed = (await session.exec(claim)).rowcount == 1
        await session.commit()
    return claimed


async def cancel(sessions: Sessions, *, chat_id: int, user_id: int) -> Outcome:
    """/cancel: end an open /time or /timezone question (kind "none" when there is none and the sender is
    no patient, or has another dialogue open: /enrol's; "nothing" for a patient with nothing open)."""
    async with sessions() as session:
        found = await _find(session, chat_id, user_id)
        patient = await _patient(session, chat_id)
        view = _view("cancelled", patient)
        mine = select(Dialogue.id).where(Dialogue.chat_id == chat_id, Dialogue.user_id == user_id)
        other = (await session.exec(mine)).first()  # not the chat's red-flag screen (user_id 0, symptoms.py)
    if found is None:
        return replace(view, kind="nothing") if patient is not None and other is None else Outcome("none")
    await _put(sessions, chat_id, user_id, None, None, found.updated_at)
    return view
