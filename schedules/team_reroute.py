"""When the team's alert group refuses a message: follow a migrated group, or reach every member directly.

A care team's alerts, digests, milestone and verdict alerts and notices go to its alert group once set.
If that group refuses a send (the bot was removed: 403; the chat is gone: "chat not found"), the alert
chat is cleared (audited), this message and every message still waiting for that group are queued to
each active member's private chat instead, and every member is told why. A group that became a
supergroup (Telegram answers with `migrate_to_chat_id`) is followed: the alert chat moves to the new
id (audited), waiting messages follow it, and the refused message is sent there again at once.
Called from `schedules.records` in the transaction that records the outcome; no Telegram here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules import agenda
from schedules.jobs import Blocked, Job
from storage import audit
from storage.models import Flag, Outbox, Patient, Team
from storage.queries import outbox as outbox_q
from storage.queries import teams as teams_q
from storage.status import OutboxStatus

TEAM_KINDS = frozenset({"alert", "digest", "milestone", "verdict", "team_notice"})
NO_FALLBACK = "no_fallback"  # a notice meant for one chat only (e.g. "alerts moved" to the old group)
LOST_NOTICE = "team_alert_chat_lost"


async def team_of(session: AsyncSession, box: Outbox) -> int | None:
    """The care team a team message belongs to, from what its row names."""
    payload = box.payload or {}
    if "team_id" in payload:
        return int(payload["team_id"])
    ref = box.ref_id
    if ref is None:
        return None
    if box.kind in ("alert", "verdict"):
        flag = await session.get(Flag, ref)
        ref = flag.patient_id if flag is not None else None
    patient = await session.get(Patient, ref) if ref is not None else None
    return patient.team_id if patient is not None else None


async def members(session: AsyncSession, team_id: int) -> list[int]:
    return await teams_q.active_member_ids(session, team_id=team_id)


def _copy(box: Outbox, chat: int, now: datetime) -> agenda.Entry:
    key = agenda.key_rerouted(box.dedupe_key, box.chat_id, chat)
    # what waited for a later moment (tomorrow's digest) still waits
    return agenda.Entry(box.kind, key, chat, max(box.due_at, now), ref_id=box.ref_id, payload=box.payload)


async def after_refusal(session: AsyncSession, job: Job, outcome: Blocked, *, now: datetime) -> dict[str, Any] | None:
    """Act on a team message refused by its chat. Returns a new change for its outbox row (a migrated
    group: send it again there), or None (it stays failed; copies went to the members)."""
    box = await session.get(Outbox, job.outbox_id)
    team_id = await team_of(session, box) if box is not None else None
    team = await session.get(Team, team_id) if team_id is not None else None
    if box is None or team is None:
        return None
    people = await members(session, team.id or 0)
    if job.chat_id in people:
        return None  # a member's own private chat (they blocked the bot): nothing to fall back to
    if outcome.moved_to is not None and team.alert_chat_id in (job.chat_id, outcome.moved_to):
        await _follow(session, team, old=job.chat_id, new=outcome.moved_to, now=now)
        return {
            "id": box.id,
            "status": OutboxStatus.PENDING,
            "chat_id": outcome.moved_to,
            "claimed_by": None,
            "due_at": now,
        }
    if team.alert_chat_id == job.chat_id:
        await _lose(session, team, people, reason=outcome.reason, now=now)
    if not (box.payload or {}).get(NO_FALLBACK):
        await _to_members([box], people, now=now, session=session)
    return None


async def repoint(session: AsyncSession, *, old: int, new: int) -> None:
    """Team messages waiting for group `old` go to group `new` instead (a group's digest row has no chat in
    its key, so dropping it and planning it again for the new group would collide and lose that digest)."""
    await agenda.redirect(session, *outbox_q.to_chat_of_kinds(chat_id=old, kinds=TEAM_KINDS), chat_id=new)


async def _follow(session: AsyncSession, team: Team, *, old: int, new: int, now: datetime) -> None:
    """The group became a supergroup: its messages and the team's alert chat follow the new id."""
    await repoint(session, old=old, new=new)
    if team.alert_chat_id == old:
        team.alert_chat_id = new
        session.add(team)
        detail = {"from": old, "to": new, "source": "send"}
        audit.record(
            session, at=now, actor="telegram", action="team.alert_chat_moved", subject=f"team:{team.id}", detail=detail
        )


async def _lose(session: AsyncSession, team: Team, people: list[int], *, reason: str, now: datetime) -> None:
    """The group refused the bot: clear it, tell every member why, and send them what was waiting for it."""
    lost = team.alert_chat_id
    assert lost is not None
    team.alert_chat_id = None
    session.add(team)
    detail = {"chat_id": lost, "reason": reason, "members_told": len(people)}
    audit.record(
        session, at=now, actor="telegram", action="team.alert_chat_lost", subject=f"team:{team.id}", detail=detail
    )
    waiting = await outbox_q.pending_to(session, chat_id=lost, kinds=TEAM_KINDS)
    await agenda.drop(session, outbox_q.with_ids(ids=[box.id for box in waiting]), reason="alert chat lost")
    notice = {"key": LOST_NOTICE, "params": {"team": team.name}, "team_id": team.id, NO_FALLBACK: True}
    notice["lang"] = team.language
    notices = [
        agenda.Entry(
            "team_notice",
            agenda.key_alert_chat_lost(team.id or 0, lost, person, now),
            person,
            now,
            ref_id=team.id,
            payload=notice,
        )
        for person in people
    ]
    await agenda.enqueue(session, notices, now=now)
    await _to_members([b for b in waiting if not (b.payload or {}).get(NO_FALLBACK)], people, now=now, session=session)


async def _to_members(boxes: list[Outbox], people: list[int], *, now: datetime, session: AsyncSession) -> None:
    rows = [_copy(box, person, now) for box in boxes for person in people]
    if rows:
        await agenda.enqueue(session, rows, now=now)
    elif boxes:  # a team with no active member: nobody can be reached; the audit trail says so
        for box in boxes:
            detail = {"outbox": box.id, "kind": box.kind}
            audit.record(
                session, at=now, actor="system", action="team.alert_undelivered", outcome="failed", detail=detail
            )
