"""Message patient (a button under an alert or the /patient view, or /msg <alias> alone): the member's next
text in their private chat is the message. The state is a `dialogue` row (kind "message"), so it survives
a restart; it ends with the text, /cancel, or after 30 minutes idle. No Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from services import messages
from services.messages import Written
from services.team_access import Caller, find, refusal_reason, refuse, scope
from storage import audit
from storage.engine import Sessions
from storage.models import Dialogue, Flag, Patient
from storage.queries import dialogues as dialogues_q

KIND = "message"
IDLE = timedelta(minutes=30)


@dataclass(frozen=True)
class Begun:
    outcome: str  # begun | refused (not_a_member not_found ambiguous) | not_messageable | unreachable | busy
    alias: str = ""
    status: str = ""
    patient_id: int = 0


async def patient_of(session: AsyncSession, *, patient_id: int | None, flag_id: int | None) -> Patient | None:
    """The patient a button names: directly (`w1:p:<id>`) or through a flag of theirs (`w1:f:<id>`)."""
    if flag_id is not None:
        flag = await session.get(Flag, flag_id)
        patient_id = flag.patient_id if flag is not None else None
    return await session.get(Patient, patient_id) if patient_id is not None else None


async def begin(
    sessions: Sessions, caller: Caller, *, patient_id: int | None, flag_id: int | None, now: datetime
) -> Begun:
    """Open the dialogue in the member's private chat (chat id = user id), for a patient in the caller's scope
    in the chat the button was pressed in (team_access.scope: a team's group acts on that team only).
    Refusals are audited."""
    async with sessions() as session:
        patient = await patient_of(session, patient_id=patient_id, flag_id=flag_id)
        if patient is None or patient.team_id not in await scope(session, caller):
            subject = f"patient:{patient_id}" if patient_id is not None else f"flag:{flag_id}"
            reason = "not_found" if patient is None else await refusal_reason(session, caller, patient.team_id)
            await refuse(session, caller, action="message.begin", now=now, subject=subject, reason=reason)
            await session.commit()
            return Begun("refused")
        return await _open(session, patient, user_id=caller.user_id, now=now)


async def begin_alias(sessions: Sessions, caller: Caller, alias: str, *, now: datetime) -> Begun:
    """/msg <alias> alone: as the button, for a patient in the caller's scope (team_access.find)."""
    async with sessions() as session:
        found = await find(session, caller, alias, action="message.begin", now=now)
        if isinstance(found, str):
            return Begun(found, alias)
        return await _open(session, found[0], user_id=caller.user_id, now=now)


async def _open(session: AsyncSession, patient: Patient, *, user_id: int, now: datetime) -> Begun:
    reason = messages.why_not(patient)
    if reason is not None:
        return Begun(reason, patient.alias, patient.status)
    mine = await dialogues_q.of_user(session, chat_id=user_id, user_id=user_id)
    if mine is not None and mine.kind != KIND:
        return Begun("busy", patient.alias)
    if mine is not None:
        await session.delete(mine)
        await session.flush()
    data = {"patient_id": patient.id}
    session.add(Dialogue(chat_id=user_id, user_id=user_id, kind=KIND, step="text", data=data, updated_at=now))
    audit.record(session, at=now, actor=f"tg:{user_id}", action="message.begin", subject=f"patient:{patient.id}")
    await session.commit()
    return Begun("begun", patient.alias, patient.status, patient.id or 0)


async def forget(sessions: Sessions, *, user_id: int) -> None:
    """The prompt could not reach the member's private chat: the dialogue never started."""
    async with sessions() as session:
        await dialogues_q.drop_kind(session, chat_id=user_id, kind=KIND)
        await session.commit()


async def typed(
    sessions: Sessions, *, chat_id: int, user_id: int, text: str, now: datetime, update_id: int | None = None
) -> Written | None:
    """The member's text while the dialogue is open: sent (or why not); None when there is no such dialogue."""
    async with sessions() as session:
        found = await dialogues_q.find(session, chat_id=chat_id, user_id=user_id, kind=KIND)
        if found is None:
            return None
        await session.delete(found)
        await session.commit()
    if now - found.updated_at > IDLE:
        return Written("expired")
    return await messages.write_to_id(
        sessions, member=user_id, patient_id=int(found.data["patient_id"]), text=text, now=now, update_id=update_id
    )


async def cancel(sessions: Sessions, *, chat_id: int, user_id: int) -> bool:
    async with sessions() as session:
        dropped = await dialogues_q.drop(session, chat_id=chat_id, user_id=user_id, kind=KIND)
        await session.commit()
    return bool(dropped)


async def is_open(sessions: Sessions, *, chat_id: int, user_id: int) -> bool:
    async with sessions() as session:
        return await dialogues_q.id_in_chat(session, chat_id=chat_id, kind=KIND, user_id=user_id) is not None
