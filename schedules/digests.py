"""Planning the care team's outbox rows: the daily digest, the week-4 follow-up alert, the verdicts.

Digest: one row per team and local day (and per chat when the team has no group: each active
member's private chat), due at the team's digest time in its zone, planned for today and tomorrow;
`digest:<team>:<local date>[:<chat>]` is unique, so planning on any number of processes at once adds
one row. Rows for a chat that is no longer the team's alert chat are dropped before they are due.
Week 4: one row per patient and chat at the team's digest time on the day the follow-up window opens.
Verdicts (weeks 6, 12, 24): one row per verdict flag and chat, due at once.
The content of digests and week-4 alerts is read from the database when they are sent.

By time alone, what planning adds changes only at a team's digest time (today's row gives way to the day
after tomorrow's; a week-4 alert is due then): the tick plans again PLANNING_LEAD before each digest
(`next_planning`), when a flag is raised, a patient consents, or a team, member or alert chat changes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.digest import FOLLOW_UP_OPENS_WEEK, milestone_day
from care.protocol import Protocol
from schedules import agenda
from schedules.timeparse import parse_reminder_time, parse_timezone
from schedules.wallclock import local_to_utc
from storage.engine import Sessions
from storage.models import Team
from storage.queries import flags as flags_q
from storage.queries import outbox as outbox_q
from storage.queries import patients as patients_q
from storage.queries import teams as teams_q
from storage.status import ENROLLED

VERDICT_FLAGS = ("milestone_verdict", "poor_improvement")
VERDICT_LOOKBACK = timedelta(days=2)
TOO_LATE = timedelta(days=1)  # a week-4 alert not sent within a day of its moment is not planned
PLANNING_LEAD = timedelta(minutes=5)  # planned again this long before each digest (a member who joined is in it)


def digest_due(team: Team, local_day: Any) -> datetime:
    return local_to_utc(local_day, parse_reminder_time(team.digest_time), parse_timezone(team.timezone))


def _row(kind: str, key: str, chat: int, due: datetime, now: datetime, ref: int, **payload: Any) -> agenda.Entry:
    return agenda.Entry(kind, key, chat, due, ref_id=ref, payload=payload)


async def _chats(session: AsyncSession, teams: list[Team]) -> dict[int, list[int]]:
    chats: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in await teams_q.active_member_pairs(session, team_ids=[t.id for t in teams]):
        chats[team_id].append(user_id)
    return {t.id or 0: [t.alert_chat_id] if t.alert_chat_id is not None else sorted(chats[t.id or 0]) for t in teams}


def next_planning(teams: list[Team], now: datetime) -> datetime | None:
    """PLANNING_LEAD before the next digest of any of `teams`, after `now` (None: no team)."""
    moments = []
    for team in teams:
        today = now.astimezone(parse_timezone(team.timezone)).date()
        days = (today + timedelta(days=n) for n in range(3))
        moments.append(next(at for day in days if (at := digest_due(team, day) - PLANNING_LEAD) > now))
    return min(moments, default=None)


async def plan_team_messages(sessions: Sessions, *, now: datetime, protocol: Protocol) -> int:
    """Insert the digest, week-4 and verdict rows not planned yet. Returns the rows added."""
    return (await plan_team_messages_until(sessions, now=now, protocol=protocol))[0]


async def plan_team_messages_until(
    sessions: Sessions, *, now: datetime, protocol: Protocol
) -> tuple[int, datetime | None]:
    """plan_team_messages, and when planning next has something new by time alone (`next_planning`)."""
    async with sessions() as session:
        teams = await teams_q.with_consented_patients(session, states=ENROLLED)
        if not teams:
            return 0, None
        chats = await _chats(session, teams)
        by_id = {t.id: t for t in teams}
        rows: list[agenda.Entry] = []
        for team in teams:
            assert team.id is not None
            team_chats = chats[team.id]
            today = now.astimezone(parse_timezone(team.timezone)).date()
            for day in (today, today + timedelta(days=1)):
                due = digest_due(team, day)
                for chat in team_chats if due > now else ():
                    key = agenda.key_digest(team.id, day, None if team.alert_chat_id else chat)
                    rows.append(_row("digest", key, chat, due, now, team.id, team_id=team.id, lang=team.language))
            elsewhere = outbox_q.kind_about_not_to(kind="digest", ref_id=team.id, chats=team_chats or [0])
            await agenda.drop(session, *elsewhere, reason="not an alert chat")
        started = now.date() - timedelta(weeks=FOLLOW_UP_OPENS_WEEK)  # therapy start of a week-4 day today
        patients = await patients_q.starting_between(
            session,
            team_ids=list(by_id),
            states=ENROLLED,
            first=started - timedelta(days=2),
            last=started + timedelta(days=2),
        )
        for p in patients:
            team = by_id[p.team_id]
            due = digest_due(team, milestone_day(p.therapy_start, FOLLOW_UP_OPENS_WEEK))
            if now - due > TOO_LATE or p.consented_at is None or p.consented_at > due:
                continue
            for chat in chats[p.team_id]:
                key = agenda.key_milestone(p.id or 0, FOLLOW_UP_OPENS_WEEK, chat)
                rows.append(
                    _row(
                        "milestone",
                        key,
                        chat,
                        due,
                        now,
                        p.id or 0,
                        patient_id=p.id,
                        lang=team.language,
                        week=FOLLOW_UP_OPENS_WEEK,
                    )
                )
        verdicts = await flags_q.of_kinds_in_teams_since(
            session, kinds=VERDICT_FLAGS, team_ids=list(by_id), since=now - VERDICT_LOOKBACK
        )
        for flag, p in verdicts:
            for chat in chats[p.team_id]:
                rows.append(
                    _row(
                        "verdict",
                        agenda.key_verdict(flag.id or 0, chat),
                        chat,
                        flag.raised_at,
                        now,
                        flag.id or 0,
                        flag_id=flag.id,
                        alias=p.alias,
                        lang=by_id[p.team_id].language,
                        severity=flag.severity,
                        summary_key=flag.summary_key,
                        facts=flag.facts,
                    )
                )
        added = len(await agenda.enqueue(session, rows, now=now))
        await session.commit()
    return added, next_planning(teams, now)
