"""The daily digest end to end: one a day at the team's 08:00, the week's flags once each, the
week-4 follow-up alert, Acknowledge / Assign to me, refusals, and one digest across two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.flags import Flag as CareFlag
from care.flags import FlagKind, Severity
from schedules.digests import plan_team_messages
from schedules.flagging import raise_flags
from storage.models import AuditEvent, Flag, Outbox, Patient, Team
from tests.helpers import CLINICIAN, enrol, invite, team_with_member

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; Berlin is UTC+2 until 25 Oct
BERLIN = ZoneInfo("Europe/Berlin")
PATIENT = VirtualUser(2001, "Wilhelmina")
OUTSIDER = VirtualUser(3003, "Eve")
GROUP = -100777


def digests(sb: Sandbox, chat: int = CLINICIAN.id) -> list[SentMessage]:
    return [m for m in sb.api.sent_to(chat) if (m.text or "").startswith("📋")]  # a full digest or "nothing new"


async def setup(sb: Sandbox, *, start: date) -> Patient:
    await team_with_member(sb)
    await enrol(sb, PATIENT, await invite(sb, start=start))
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient))).one()


async def flag(sb: Sandbox, patient: Patient, episode: str, severity: Severity = Severity.WARNING) -> None:
    care = CareFlag(FlagKind.WORSENING, severity, episode, {"pain": 8, "baseline_pain": 6})
    async with sb.services.sessions() as session:
        await raise_flags(session, patient=patient, flags=[care], now=sb.clock())
        await session.commit()


async def test_a_week_gives_one_digest_a_day_at_eight_with_each_new_flag_once(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        patient = await setup(sb, start=START.date() - timedelta(days=27))  # week 4 opens tomorrow
        for day in range(8):
            await sb.run_until(START + timedelta(days=day, hours=2))
            await flag(sb, patient, f"week:{day}")
        await sb.run_until(START + timedelta(days=8, hours=1))
        sent = digests(sb)
        local = [m.date.astimezone(BERLIN) for m in sent]
        assert [d.date() for d in local] == [date(2026, 10, 6) + timedelta(days=n) for n in range(8)]
        assert {d.time() for d in local} == {time(8)}
        for n, message in enumerate(sent):  # the flag raised the afternoon before, and only that one
            shown = [f for f in range(8) if f"#{f + 1} · MK-17" in (message.text or "")]
            assert shown == [n], message.text
            assert "Cohort: 1 active" in (message.text or "") and "Wilhelmina" not in (message.text or "")
        assert "MK-17, week 4 (follow-up window opens" in (sent[0].text or "")
        assert "Silent" not in (sent[-2].text or "")  # consented 6 days 20 hours before
        assert "Silent for 7 days or more: MK-17" in (sent[-1].text or "")
        week4 = [m for m in sb.api.sent_to(CLINICIAN.id) if "follow-up window opens (weeks 4-6)" in (m.text or "")]
        assert len(week4) == 1 and week4[0].date.astimezone(BERLIN) == datetime(2026, 10, 6, 8, tzinfo=BERLIN)
        assert "Doses confirmed since the start of therapy: " in (week4[0].text or "") and "Wilhelmina" not in (
            week4[0].text or ""
        )
        async with sb.services.sessions() as session:
            rows = (await session.exec(select(Flag))).all()
            assert all(f.digested_at is not None for f in rows)


async def test_acknowledge_and_assign_record_the_member_and_refuse_outsiders(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        patient = await setup(sb, start=START.date())
        sb.api.add_group(GROUP, "Neuro clinic team")
        async with sb.services.sessions() as session:
            await session.execute(update(Team).values(alert_chat_id=GROUP))
            await session.commit()
        await flag(sb, patient, "week:1")
        await sb.run_until(START + timedelta(days=1))
        (digest,) = digests(sb, GROUP)
        await sb.send(sb.users.press(OUTSIDER, digest, "f1:1:a"))
        assert sb.api.callback_answers[-1][1] == "Sorry, only active members of this patient's care team can do this."
        await sb.send(sb.users.press_button(CLINICIAN, digest, "Acknowledge #1"))
        await sb.send(sb.users.press_button(CLINICIAN, digest, "Assign #1"))
        assert "✓ #1 MK-17 acknowledged" in (digest.text or "") and "by you" not in (digest.text or "")
        assert "👤 #1 MK-17 assigned" in (digest.text or "") and digest.reply_markup is None
        await flag(sb, patient, "week:2", Severity.URGENT)  # an urgent alert carries the same buttons
        await sb.run_for(timedelta(minutes=1))
        alert = sb.api.sent_to(GROUP)[-1]
        assert (alert.text or "").startswith("🔴 Urgent · patient MK-17")
        await sb.send(sb.users.press_button(CLINICIAN, alert, "Acknowledge #2"))
        assert "✓ #2 MK-17 acknowledged" in (alert.text or "")
        await sb.send(sb.users.text(CLINICIAN, "/ack 1", chat_id=GROUP))
        assert "already acknowledged" in (sb.api.sent_to(GROUP)[-1].text or "")
        await sb.send(sb.users.text(OUTSIDER, "/ack 1", chat_id=GROUP))
        assert "only active members" in (sb.api.sent_to(GROUP)[-1].text or "")
        async with sb.services.sessions() as session:
            row, urgent = (await session.exec(select(Flag).order_by(col(Flag.id)))).all()
            refusals = (
                await session.exec(
                    select(AuditEvent).where(AuditEvent.outcome == "refused", AuditEvent.actor == "tg:3003")
                )
            ).all()
        assert (row.acknowledged_by, row.assigned_to) == (CLINICIAN.id, CLINICIAN.id)
        assert row.acknowledged_at == START + timedelta(days=1) and urgent.acknowledged_by == CLINICIAN.id
        assert [r.action for r in refusals] == ["flag.ack", "flag.ack"]


async def test_two_processes_on_one_database_send_one_digest(postgres_url: str) -> None:
    async with Sandbox(database_url=postgres_url, start=START) as one:
        await setup(one, start=START.date())
        async with Sandbox(database_url=postgres_url, start=START) as two:
            two.api.add_private_chat(CLINICIAN.as_json())
            for sb, added in ((one, 1), (two, 0)):  # the second plan of the same day is a no-op
                assert await plan_team_messages(sb.services.sessions, now=START, protocol=sb.services.protocol) == added
            due = datetime(2026, 10, 6, 6, 0, tzinfo=UTC)
            one.clock.set(due)
            two.clock.set(due)
            await asyncio.gather(one.tick(), two.tick(), one.tick(), two.tick())
            assert len(digests(one)) + len(digests(two)) == 1
            async with one.services.sessions() as session:
                rows = (await session.exec(select(Outbox).where(col(Outbox.kind) == "digest"))).all()
            assert sorted(r.dedupe_key for r in rows) == [
                f"digest:1:2026-10-06:{CLINICIAN.id}",
                f"digest:1:2026-10-07:{CLINICIAN.id}",
            ]
