"""The patient's side of a family helper (issue 14): /helper, its one-time link, /helper remove. No Telegram.

The link is an `invite` row of kind "helper" (only the token's hash is stored, as for every invite) with a
`helper_link` row (status invited); a new link replaces an unused one. The patient's consent is pressing
"Create the link" after the explanation; the helper's comes when they open it (services/helper_consent).
Every step is audited with ids only. /helper remove: services/helper_remove.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from storage import audit
from storage.engine import Sessions
from storage.models import HelperLink, Invite, Patient
from storage.queries import helpers as helpers_q
from storage.queries import invites as invites_q
from storage.queries import outbox as outbox_q
from storage.queries import patients as patients_q
from storage.status import ENROLLED
from storage.tokens import new_token, token_hash

LIVE = ("invited", "active")
NOTICE = "helper_notice"


@dataclass(frozen=True)
class HelperState:
    outcome: str  # ask active | created | removed none | not_enrolled ended
    language: str = "en"
    timezone: str = "UTC"
    since: datetime | None = None
    token: str = ""
    expires_at: datetime | None = None


def notice(
    *, key: str, chat_id: int, link_id: int, now: datetime, patient_id: int | None, **payload: Any
) -> agenda.Entry:
    """A message for the helper or the patient (rendered by bot/sending/conversation.py)."""
    payload = {"key": key, "link": link_id, **payload}
    return agenda.Entry(NOTICE, agenda.key_helper(link_id, key, chat_id), chat_id, now, patient_id, link_id, payload)


async def patient_of_chat(session: AsyncSession, chat_id: int) -> Patient | None:
    return await patients_q.by_chat(session, chat_id=chat_id)


async def live_links(session: AsyncSession, patient_id: int) -> list[HelperLink]:
    return await helpers_q.of_patient(session, patient_id=patient_id, statuses=LIVE)


async def state(sessions: Sessions, *, chat_id: int) -> HelperState:
    """/helper: the explanation to confirm, or the helper already there."""
    async with sessions() as session:
        p = await patient_of_chat(session, chat_id)
        if p is None:
            return HelperState("not_enrolled")
        if p.status not in ENROLLED:
            return HelperState("ended", p.language)
        active = [link for link in await live_links(session, p.id or 0) if link.status == "active"]
        if active:
            return HelperState("active", p.language, p.timezone, active[0].consented_at)
        return HelperState("ask", p.language, p.timezone)


async def create(sessions: Sessions, *, chat_id: int, now: datetime, ttl: timedelta) -> HelperState:
    """ "Create the link": a new one-time link; an earlier unused one stops working."""
    async with sessions() as session:
        p = await patient_of_chat(session, chat_id)
        if p is None or p.status not in ENROLLED:
            return HelperState("not_enrolled" if p is None else "ended", p.language if p else "en")
        live = await live_links(session, p.id or 0)
        if any(link.status == "active" for link in live):
            return HelperState("active", p.language, p.timezone, live[0].consented_at)
        await end_links(session, live, status="expired", now=now)
        token = new_token()
        invite = Invite(
            kind="helper",
            token_hash=token_hash(token),
            team_id=p.team_id,
            patient_id=p.id,
            created_by="patient",
            created_at=now,
            expires_at=now + ttl,
        )
        session.add(invite)
        await session.flush()
        link = HelperLink(patient_id=p.id or 0, invite_id=invite.id, status="invited", created_at=now)
        session.add(link)
        await session.flush()
        audit.record(
            session,
            at=now,
            actor="patient",
            action="helper.invite",
            subject=f"patient:{p.id}",
            detail={"link": link.id},
        )
        await session.commit()
        return HelperState("created", p.language, p.timezone, token=token, expires_at=now + ttl)


async def end_links(session: AsyncSession, links: list[HelperLink], *, status: str, now: datetime) -> None:
    """End these links: their unused invites expire and their pending notices are dropped."""
    ids = [link.id for link in links]
    if not ids:
        return
    for link in links:
        link.status, link.ended_at = status, now
    invites = [link.invite_id for link in links if link.invite_id is not None]
    await invites_q.expire_unused_invites(session, ids=invites, now=now)
    await agenda.drop(session, outbox_q.of_kind_about(kind=NOTICE, ref_ids=ids), reason=f"helper {status}")
