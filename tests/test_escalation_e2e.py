"""Urgent alerts escalate until someone owns them (issue 14), end to end on the sandbox with virtual time.

An urgent flag nobody acknowledged or assigned within 60 minutes of being raised inside the team's hours,
or by the next opening when raised outside them, is posted again to the alert group and to every active
member privately, once; the digest lists it first. Hours are set in the database (the /team_hours command
is another change's).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.flags import Flag as CareFlag
from care.flags import FlagKind, Severity
from schedules.escalation import escalate_due
from schedules.flagging import raise_flags
from services import enrolment, operator
from storage.models import AuditEvent, Flag, Outbox, Patient, Team
from tests.helpers import CLINICIAN, TTL, enrol, forbid, invite, team_with_member
from tests.qhelpers import BEFORE_RED_FLAGS, answer_all, red_flags

BERLIN = ZoneInfo("Europe/Berlin")
PATIENT = VirtualUser(2001, "Wilhelmina")
COLLEAGUE = VirtualUser(1002, "Dr Second")
LEAVER = VirtualUser(1003, "Dr Gone")
GROUP = -100900
STILL = "⏰ Still unowned"


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026 in Berlin (UTC+1; the 1st is a Tuesday, the 4th a Friday), as UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


async def clinic(sb: Sandbox, *, hours: str | None = "Mon-Fri 08:00-17:00", colleagues: bool = False) -> Patient:
    """A team (hours set as /team_hours would store them) with one enrolled patient; optionally a group,
    a second member and a third one who was removed."""
    await team_with_member(sb)
    if colleagues:
        for user in (COLLEAGUE, LEAVER):
            issued = await enrolment.new_join_link(
                sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL
            )
            forbid(issued.token)
            await sb.send(sb.users.text(user, f"/start {issued.token}"))
        await operator.remove_member(
            sb.services.sessions, team_name="Neuro clinic", spec=str(LEAVER.id), now=sb.clock()
        )
        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
    async with sb.services.sessions() as session:
        await session.execute(update(Team).values(hours=hours))
        await session.commit()
    await enrol(sb, PATIENT, await invite(sb, start=sb.clock().date()))
    await sb.tick()
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient))).one()


async def urgent(sb: Sandbox, patient: Patient) -> int:
    care = CareFlag(FlagKind.RED_FLAG, Severity.URGENT, "e1", {"item": "rf_tendon"}, "flag.red_flag.rf_tendon")
    async with sb.services.sessions() as session:
        (row,) = await raise_flags(session, patient=patient, flags=[care], now=sb.clock())
        await session.commit()
    await sb.tick()  # the first alert goes out
    return row.id or 0


def escalations(sb: Sandbox, chat: int) -> list[SentMessage]:
    return [m for m in sb.api.sent_to(chat) if (m.text or "").startswith(STILL)]


async def flag_row(sb: Sandbox, flag_id: int) -> Flag:
    async with sb.services.sessions() as session:
        row = await session.get(Flag, flag_id)
        assert row is not None
        return row


async def test_raised_friday_evening_escalates_monday_at_opening_not_before(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=berlin(4, 18)) as sb:
        await clinic(sb)
        await answer_all(sb, PATIENT, [*BEFORE_RED_FLAGS, *red_flags(3)])  # chest pain: yes
        await sb.tick()
        assert [m.text for m in sb.api.sent_to(CLINICIAN.id) if "Urgent · patient MK-17" in (m.text or "")]
        await sb.run_until(berlin(7, 7, 59))  # the weekend passes: digests, reminders, no escalation
        assert escalations(sb, CLINICIAN.id) == []
        await sb.run_until(berlin(7, 8, 1))
        (again,) = escalations(sb, CLINICIAN.id)
        text = again.text or ""
        assert "after 2 d 14 h" in text and "patient MK-17" in text and "aortic" in text and "Wilhelmina" not in text
        assert "Please press Acknowledge or Assign to me" in text
        async with sb.services.sessions() as session:
            (flag,) = (await session.exec(select(Flag))).all()
        assert flag.escalated_at == berlin(7, 8)
        assert sb.users.button_data(again)[:2] == [f"f1:{flag.id}:a", f"f1:{flag.id}:m"]
        # Monday's digest (08:00 too) lists it first although Saturday's digest already showed it
        digests = [m.text or "" for m in sb.api.sent_to(CLINICIAN.id) if "Daily digest" in (m.text or "")]
        monday = digests[-1]
        assert "Mon 7 Dec" in monday and monday.index("⏰ Escalated") < monday.index(f"#{flag.id} · MK-17")
        await sb.send(sb.users.press_button(CLINICIAN, again, "Acknowledge"))
        await sb.run_until(berlin(8, 8, 1))
        assert len(escalations(sb, CLINICIAN.id)) == 1
        tuesday = [m.text or "" for m in sb.api.sent_to(CLINICIAN.id) if (m.text or "").startswith("📋")][-1]
        assert (
            "Tue 8 Dec" in tuesday and "Escalated" not in tuesday
        )  # owned now: not repeated (nothing new: the short line)


async def test_inside_hours_after_sixty_minutes_to_the_group_and_each_active_member_once(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=berlin(1, 10)) as sb:
        patient = await clinic(sb, colleagues=True)
        flag_id = await urgent(sb, patient)
        raised = sb.clock()
        assert [len(escalations(sb, c)) for c in (GROUP, CLINICIAN.id, COLLEAGUE.id)] == [0, 0, 0]
        await sb.run_until(raised + timedelta(minutes=59))
        assert (await flag_row(sb, flag_id)).escalated_at is None
        await sb.run_until(raised + timedelta(days=1))
        assert [len(escalations(sb, c)) for c in (GROUP, CLINICIAN.id, COLLEAGUE.id, LEAVER.id)] == [1, 1, 1, 0]
        assert "after 1 h 0 min" in (escalations(sb, COLLEAGUE.id)[0].text or "")
        assert (await flag_row(sb, flag_id)).escalated_at == raised + timedelta(minutes=60)
        async with sb.services.sessions() as session:
            audits = (await session.exec(select(AuditEvent).where(AuditEvent.action == "flag.escalated"))).all()
        assert [(a.subject, (a.detail or {}).get("chats")) for a in audits] == [(f"flag:{flag_id}", 3)]


@pytest.mark.parametrize("button", ["Acknowledge", "Assign"])
async def test_owned_before_the_moment_is_never_escalated(database_url: str, button: str) -> None:
    async with Sandbox(database_url=database_url, start=berlin(1, 10)) as sb:
        patient = await clinic(sb)
        flag_id = await urgent(sb, patient)
        await sb.run_for(timedelta(minutes=59))
        alert = next(m for m in sb.api.sent_to(CLINICIAN.id) if "Urgent · patient MK-17" in (m.text or ""))
        await sb.send(sb.users.press_button(CLINICIAN, alert, button))
        await sb.run_for(timedelta(days=3))
        assert escalations(sb, CLINICIAN.id) == [] and (await flag_row(sb, flag_id)).escalated_at is None


async def test_a_restart_between_raising_and_escalation_escalates_exactly_once(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=berlin(1, 10)) as sb:
        patient = await clinic(sb, hours=None)  # hours not set: reading at any time
        flag_id = await urgent(sb, patient)
        await sb.run_for(timedelta(minutes=30))
        await sb.restart()  # a new Application and engine on the same database
        await sb.tick()
        await sb.run_for(timedelta(minutes=45))
        assert len(escalations(sb, CLINICIAN.id)) == 1
        assert (await flag_row(sb, flag_id)).escalated_at == berlin(1, 11)
        await sb.restart()
        await sb.run_for(timedelta(days=2))
        assert len(escalations(sb, CLINICIAN.id)) == 1


async def test_two_scans_at_once_queue_one_escalation(database_url: str) -> None:
    """As two processes would: both find the flag due; the conditional claim lets one through."""
    async with Sandbox(database_url=database_url, start=berlin(1, 10)) as sb:
        patient = await clinic(sb)
        flag_id = await urgent(sb, patient)
        at = sb.clock() + timedelta(minutes=61)
        protocol = sb.services.protocol
        scans = await asyncio.gather(*(escalate_due(sb.services.sessions, now=at, protocol=protocol) for _ in range(2)))
        assert sorted(s.escalated for s in scans) == [0, 1]
        assert (await escalate_due(sb.services.sessions, now=at, protocol=protocol)).escalated == 0
        async with sb.services.sessions() as session:
            rows = (await session.exec(select(Outbox).where(col(Outbox.dedupe_key).startswith("escalation:")))).all()
        assert [(r.chat_id, r.ref_id) for r in rows] == [(CLINICIAN.id, flag_id)]
