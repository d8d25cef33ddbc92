"""Restarts, crashes between claim and send, and downtime: nothing lost, nothing sent twice unknowingly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.ticks import recover_after_restart
from schedules.dispatch import dispatch_once
from schedules.jobs import Job, Outcome
from schedules.planner import plan
from storage.models import DoseEvent, Outbox
from tests.helpers import enrol, invite, team_with_member

PATIENT = VirtualUser(2001, "Pat")
START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FIRST_DOSE = datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # 09:00 in Berlin (summer time)


def reminders(sb: Sandbox) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(PATIENT.id) if "Time for your vitamin B12" in (m.text or "")]


async def enrolled(sb: Sandbox) -> None:
    await team_with_member(sb)
    await enrol(sb, PATIENT, await invite(sb, start=date(2026, 6, 2)))
    await sb.tick()  # the baseline questionnaire goes out now, so it does not hold tomorrow's reminder back


async def outbox_rows(sb: Sandbox) -> list[Outbox]:
    """The dose reminders' outbox rows (the baseline questionnaire has one too)."""
    async with sb.services.sessions() as session:
        query = select(Outbox).where(Outbox.kind == "dose_reminder").order_by(col(Outbox.id))
        return list((await session.exec(query)).all())


async def dose_rows(sb: Sandbox) -> list[DoseEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all())


async def test_restart_between_reminder_and_press_loses_nothing(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb)
        await sb.run_until(FIRST_DOSE + timedelta(seconds=5))
        reminder = sb.api.last_to(PATIENT.id)
        await sb.restart()  # a new Application and engine on the same database
        await recover_after_restart(sb.app)
        await sb.send(sb.users.press_button(PATIENT, reminder, "Taken"))
        await sb.run_until(FIRST_DOSE + timedelta(hours=3))
        assert len(reminders(sb)) == 1
        assert (await dose_rows(sb))[0].status == "taken"
        assert not [m for m in sb.api.sent_to(PATIENT.id) if "gentle reminder" in (m.text or "")]


class Crash(Exception):
    pass


@pytest.mark.parametrize("crash_after_request", [False, True])
async def test_crash_during_send_is_resent_once_and_recorded(database_url: str, crash_after_request: bool) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb)
        sb.clock.set(FIRST_DOSE)
        await plan(sb.services.sessions, now=sb.clock(), protocol=sb.services.protocol)

        async def crashing(jobs: Sequence[Job]) -> Sequence[Outcome]:
            if crash_after_request:  # the request reached Telegram, the process died before recording it
                reminder = next(job for job in jobs if job.kind == "dose_reminder")
                await sb.app.bot.send_message(reminder.chat_id, "Time for your vitamin B12: (sent before the crash)")
            raise Crash

        with pytest.raises(Crash):
            await dispatch_once(
                sb.services.sessions, now=sb.clock(), protocol=sb.services.protocol, worker="dying", deliver=crashing
            )
        assert [r.status for r in await outbox_rows(sb)] == ["sending", "pending"]  # today's and tomorrow's
        await sb.restart()
        assert await recover_after_restart(sb.app) >= 1  # the reminder (and the team digest due before it)
        await sb.run_until(FIRST_DOSE + timedelta(minutes=1))
        row = (await outbox_rows(sb))[0]
        assert row.status == "sent" and row.uncertain  # outcome was unknown: re-sent and recorded as such
        assert len(reminders(sb)) == (2 if crash_after_request else 1)


async def test_claimed_but_never_sent_is_not_uncertain(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb)
        sb.clock.set(FIRST_DOSE)
        await plan(sb.services.sessions, now=sb.clock(), protocol=sb.services.protocol)
        async with sb.services.sessions() as session:
            row = (
                await session.exec(select(Outbox).where(Outbox.kind == "dose_reminder").order_by(col(Outbox.due_at)))
            ).first()
            assert row is not None
            row.status, row.claimed_by, row.claimed_at = "claimed", "dead-process", sb.clock()
            await session.commit()
        await sb.restart()
        await recover_after_restart(sb.app)
        await sb.run_until(FIRST_DOSE + timedelta(minutes=1))
        row = (await outbox_rows(sb))[0]
        assert row.status == "sent" and not row.uncertain
        assert len(reminders(sb)) == 1


@pytest.mark.parametrize(
    ("downtime", "sent", "late", "status"),
    [
        (timedelta(minutes=10), True, False, "sent"),
        (timedelta(minutes=90), True, True, "sent"),
        (timedelta(hours=3), False, False, "missed"),
        (timedelta(hours=30), False, False, "missed"),
    ],
)
async def test_downtime_sends_useful_reminders_once_and_records_stale_ones_missed(
    database_url: str, downtime: timedelta, sent: bool, late: bool, status: str
) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await enrolled(sb)
        await sb.run_until(FIRST_DOSE - timedelta(hours=1))
        sb.clock.set(FIRST_DOSE + downtime)  # the bot was down: no tick ran in between
        await sb.tick()
        texts = reminders(sb)
        assert len(texts) == (1 if sent else 0)
        rows = await dose_rows(sb)
        assert rows[0].status == status and rows[0].late == late
        if downtime > timedelta(hours=24):  # the next day's dose fell in the gap as well, 6 hours ago
            assert rows[1].status == "missed"
        assert all(r.status == "planned" for r in rows if r.due_at > sb.clock())
        if late:
            assert "a little late" in texts[0]
        await sb.run_until(FIRST_DOSE + downtime + timedelta(minutes=5))
        assert len(reminders(sb)) == len(texts)  # nothing sent twice afterwards
