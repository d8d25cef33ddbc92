"""The escalation scan: urgent alerts nobody acknowledged or assigned in time are posted again, once.

Run from the tick (bot/ticks.py). For each flag `care.escalation` says is due, one transaction sets
`flag.escalated_at` with a conditional UPDATE (still unowned and not escalated) and, only when that
UPDATE changed the row, queues one `alert` outbox row per chat: the team's alert group when it has one,
and every active member's private chat (`agenda.key_escalation`: `escalation:<flag id>:<chat>`), plus an audit row. An
Acknowledge or Assign committed first makes the UPDATE change nothing; a second process or a restart
finds `escalated_at` set, and the unique keys refuse a second row. The rows go out like any alert
(bot/sending/delivery.py renders them; schedules/team_reroute.py reaches the members if the group refuses).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from care.escalation import URGENT, AlertFacts, due_at, escalate_now, raised_since
from care.hours import Hours, HoursError, parse_hours
from care.protocol import Protocol
from schedules import agenda
from schedules.team_reroute import members
from schedules.timeparse import DoseTimeError, parse_timezone
from storage import audit
from storage.engine import Sessions
from storage.models import Flag, Team
from storage.queries import flags as flags_q

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scan:
    escalated: int
    next_due: datetime | None  # the earliest moment a waiting flag becomes due (None: nothing waits)


def team_clock(team: Team) -> tuple[Hours | None, ZoneInfo]:
    """The team's reading hours and zone; hours that do not parse count as not set (reading at any time)."""
    try:
        tz = parse_timezone(team.timezone)
    except DoseTimeError:
        tz = ZoneInfo("UTC")
    try:
        return (parse_hours(team.hours) if team.hours else None), tz
    except HoursError:
        log.warning("team=%s has hours that do not parse; escalating as if always reading", team.id)
        return None, tz


def _facts(flag: Flag) -> AlertFacts:
    owned = (flag.acknowledged_at is not None, flag.assigned_to is not None)
    return AlertFacts(flag.severity, flag.raised_at, *owned, flag.escalated_at is not None)


async def escalate_due(sessions: Sessions, *, now: datetime, protocol: Protocol) -> Scan:
    """Escalate every flag due at `now`. Returns how many, and when the next one falls due."""
    alerts = protocol.alerts
    escalated = 0
    upcoming: list[datetime] = []
    async with sessions() as session:
        found = await flags_q.unowned_urgent_since(session, severity=URGENT, since=raised_since(now, alerts))
        chats: dict[int, list[int]] = {}
        for flag, patient, team in found:
            hours, tz = team_clock(team)
            if not escalate_now(_facts(flag), hours, tz, alerts, now):
                upcoming.append(due_at(flag.raised_at, hours, tz, alerts))
                continue
            key = team.id or 0
            if key not in chats:
                chats[key] = await _chats(session, team)
            escalated += await _escalate(session, flag, patient.alias, chats[key], lang=team.language, now=now)
        await session.commit()
    return Scan(escalated, min((d for d in upcoming if d > now), default=None))


async def _chats(session: AsyncSession, team: Team) -> list[int]:
    """The alert group (when set) and every active member's private chat."""
    people = await members(session, team.id or 0)
    return ([team.alert_chat_id] if team.alert_chat_id is not None else []) + people


async def _escalate(
    session: AsyncSession, flag: Flag, alias: str, chats: Iterable[int], *, lang: str, now: datetime
) -> int:
    """Claim the flag (escalated_at) and queue its messages, in the caller's transaction. 1 if claimed."""
    if not await flags_q.claim_escalation(session, flag_id=flag.id, at=now):
        return 0  # owned or escalated meanwhile (another process, a press)
    payload = {
        "alias": alias,
        "summary_key": flag.summary_key,
        "facts": flag.facts,
        "flag_id": flag.id,
        "severity": flag.severity,
        "escalated": True,
        "lang": lang,  # written in the team's language, like the first alert
        "unowned_minutes": int((now - flag.raised_at).total_seconds() // 60),
    }
    entries = [
        agenda.Entry("alert", agenda.key_escalation(flag.id or 0, chat), chat, now, ref_id=flag.id, payload=payload)
        for chat in chats
    ]
    await agenda.enqueue(session, entries, now=now)
    detail = {"chats": len(entries), "unowned_minutes": payload["unowned_minutes"]}
    outcome = "ok" if entries else "failed"  # a team with no member and no group: nobody to tell
    subject = f"flag:{flag.id}"
    audit.record(
        session, at=now, actor="system", action="flag.escalated", subject=subject, outcome=outcome, detail=detail
    )
    return 1
