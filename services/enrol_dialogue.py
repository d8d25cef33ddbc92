"""/enrol as a guided dialogue kept in the Dialogue table: begin, answer, cancel, and the final invite.

No Telegram here: the handlers pass the chat, the user and the answer (a button value or typed text)
and get an Outcome back (the next Prompt, or what happened). The state survives restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import Sessions
from storage.models import Dialogue
from storage.queries import dialogues as dialogues_q

from . import enrolment, teams
from .enrol_invite import request_of, store_b12
from .enrol_prompts import Prompt, prompt
from .enrol_steps import BUTTON_ONLY, STEP_OF_ERROR, apply
from .errors import UserError

KIND = "enrol"
IDLE = timedelta(minutes=30)


@dataclass(frozen=True)
class Outcome:
    kind: str  # prompt | refused | none | expired | stale | not_yours | cancelled | done
    prompt: Prompt | None = None
    issued: enrolment.LinkIssued | None = None
    alias: str = ""
    timezone: str = "UTC"  # the team's, for showing the link's expiry


async def _find(session: AsyncSession, chat_id: int, user_id: int) -> Dialogue | None:
    return await dialogues_q.find(session, chat_id=chat_id, user_id=user_id, kind=KIND)


async def _drop(session: AsyncSession, chat_id: int, user_id: int) -> None:
    await dialogues_q.drop(session, chat_id=chat_id, user_id=user_id)


async def begin(sessions: Sessions, *, chat_id: int, user_id: int, now: datetime) -> Outcome:
    """Start (or restart) the dialogue; refused and audited for anyone who is no active team member."""
    async with sessions() as session:
        mine = await teams.memberships(session, user_id)
        if not mine:
            await session.rollback()
            await teams.refuse(sessions, user_id=user_id, action="patient.enrol", now=now)
            return Outcome("refused")
        data: dict[str, Any] = {"teams": [[m.team_id, m.team, m.timezone] for m in mine]}
        step = "team"
        if len(mine) == 1:
            data["team_id"], data["team"], data["team_tz"] = data["teams"][0]
            step = "alias"
        await _drop(session, chat_id, user_id)
        session.add(Dialogue(chat_id=chat_id, user_id=user_id, kind=KIND, step=step, data=data, updated_at=now))
        await session.commit()
    return Outcome("prompt", prompt(step, data, now))


async def cancel(sessions: Sessions, *, chat_id: int, user_id: int) -> bool:
    async with sessions() as session:
        found = await _find(session, chat_id, user_id)
        if found is not None:
            await _drop(session, chat_id, user_id)
            await session.commit()
    return found is not None


async def answer(
    sessions: Sessions, *, chat_id: int, user_id: int, step: str | None, value: str, now: datetime, ttl: timedelta
) -> Outcome:
    """A button press (`step` from its data) or typed text (`step` None) in the dialogue of this chat and user."""
    async with sessions() as session:
        dialogue = await _find(session, chat_id, user_id)
        if dialogue is None:
            if step is None:
                return Outcome("none")  # typed text with no dialogue: not ours
            others = await dialogues_q.id_in_chat(session, chat_id=chat_id, kind=KIND)
            return Outcome("not_yours" if others else "stale")
        if dialogue.updated_at + IDLE < now:
            await _drop(session, chat_id, user_id)
            await session.commit()
            return Outcome("expired")
        current, data = dialogue.step, dict(dialogue.data)
        if "team_id" in data and not await teams.is_member(session, user_id=user_id, team_id=data["team_id"]):
            await _drop(session, chat_id, user_id)
            await session.commit()
            await teams.refuse(
                sessions, user_id=user_id, action="patient.enrol", now=now, subject=f"team:{data['team_id']}"
            )
            return Outcome("refused")
        if step is not None and step != current:
            return Outcome("stale")
        if step is None and current in BUTTON_ONLY:
            return Outcome("prompt", prompt(current, data, now, UserError("err_enrol_buttons")))
        if current == "confirm":
            # whoever deletes the row goes on (a double tap invites once); an error below puts it back
            claimed = await dialogues_q.claim(session, dialogue_id=dialogue.id, step="confirm")
            await session.commit()
            if not claimed or value != "y":
                return Outcome("cancelled" if claimed else "stale")
            return await _invite(sessions, chat_id=chat_id, user_id=user_id, data=data, now=now, ttl=ttl)
        try:
            nxt = await apply(session, current, value, data, now)
        except UserError as exc:
            return Outcome("prompt", prompt(current, data, now, exc))
        if data.get("back") and nxt not in ("dose", "stepdown", "phases"):
            nxt = "confirm"  # sent back from the summary: the other answers stand
        dialogue.step, dialogue.data, dialogue.updated_at = nxt, data, now
        session.add(dialogue)
        await session.commit()
    return Outcome("prompt", prompt(nxt, data, now))


async def _invite(
    sessions: Sessions, *, chat_id: int, user_id: int, data: dict[str, Any], now: datetime, ttl: timedelta
) -> Outcome:
    try:
        issued = await enrolment.invite_patient(sessions, request=request_of(data, user_id), now=now, ttl=ttl)
    except UserError as exc:
        if exc.key == "err_not_member":
            await teams.refuse(
                sessions, user_id=user_id, action="patient.enrol", now=now, subject=f"team:{data['team_id']}"
            )
        back = STEP_OF_ERROR.get(exc.key)
        if back is None:
            return Outcome("prompt", Prompt("ended", "enrol_ended", error=exc))
        async with sessions() as session:
            await _drop(session, chat_id, user_id)
            data = {**data, "back": True}
            session.add(Dialogue(chat_id=chat_id, user_id=user_id, kind=KIND, step=back, data=data, updated_at=now))
            await session.commit()
        return Outcome("prompt", prompt(back, data, now, exc))
    b12 = data.get("b12")
    if b12 and issued.patient_id is not None:
        await store_b12(sessions, patient_id=issued.patient_id, b12=b12, user_id=user_id, now=now)
    return Outcome("done", issued=issued, alias=data["alias"], timezone=data.get("team_tz") or "UTC")
