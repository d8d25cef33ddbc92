"""The tick's throttled steps run when they may have something to do, not on a cadence (issue 17): an hour
of ticks with nothing due is one query each, and a clinician who joins shortly before the digest still gets
it, as the team's messages are planned again just before each digest and at once after a member joins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import seed
from bot.sandbox.updates import VirtualUser
from services import enrolment
from tests.helpers import CLINICIAN, TTL, enrol, invite, sql_statements, team_with_member

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; Berlin is UTC+2: the digest at 06:00 UTC
SECOND = VirtualUser(1002, "Dr Second")
PATIENT = VirtualUser(2001, "Wilhelmina")


async def statements_of_tick(sb: Sandbox, at: datetime) -> list[str]:
    sb.clock.set(at)
    with sql_statements(sb.services.engine.sync_engine) as seen:
        await sb.tick()
    return seen


async def test_ticks_minutes_and_hours_apart_with_nothing_due_are_one_query_each(sqlite_url: str) -> None:
    """Before: the teams' messages and the helpers' notices were planned every 5 minutes, retention and
    escalation ran every hour, whether or not anything had changed (5 to 12 statements a tick)."""
    await seed(sqlite_url, 1_000, NOW, due=0)  # planned 30 days ahead, reviewed now, the team's digest at 08:00
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        await sb.tick()  # the first tick of a process runs every throttled step once
        for minutes in (10, 70, 130, 300):
            statements = await statements_of_tick(sb, NOW + timedelta(minutes=minutes))
            assert len(statements) <= 2, "\n".join(statements)


async def test_a_clinician_who_joins_ten_minutes_before_the_digest_gets_it(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PATIENT, await invite(sb, start=START.date()))
        await sb.run_until(datetime(2026, 10, 6, 5, 50, tzinfo=UTC))  # 07:50 in Berlin
        issued = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL)
        await sb.send(sb.users.text(SECOND, f"/start {issued.token}"))
        await sb.run_until(datetime(2026, 10, 6, 6, 1, tzinfo=UTC))
        for member in (CLINICIAN, SECOND):
            assert [m.text for m in sb.api.sent_to(member.id) if (m.text or "").startswith("📋")], member
