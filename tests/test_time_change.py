"""/time and /timezone end to end on the Bot API stand-in, in virtual time: the reminders a patient
actually receives after moving across a DST change and across the date line, the transition dose the
patient confirms when the plain move would put doses under 8 or over 36 hours apart, bad answers that
change nothing, paused and stopped patients, and the line in the care team's next digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.sandbox import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, DoseEvent, Flag, Patient
from tests.helpers import CLINICIAN, enrol, invite, team_with_member

PAT = VirtualUser(2001, "Pat")
NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
TOKYO, LOS_ANGELES = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")


def reminders(sb: Sandbox, after: datetime | None = None) -> list[SentMessage]:
    return [
        m
        for m in sb.api.sent_to(PAT.id)
        if "Time for your vitamin B12" in (m.text or "") and (after is None or m.date >= after)
    ]


def last_text(sb: Sandbox) -> str:
    message = sb.api.last_to(PAT.id)
    assert message is not None
    return message.text or ""


async def doses(sb: Sandbox) -> list[DoseEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all())


async def patient_row(sb: Sandbox) -> Patient:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient))).one()


async def take_todays_dose(sb: Sandbox) -> None:
    await sb.send(sb.users.press_button(PAT, reminders(sb)[-1], "Taken"))


def assert_one_dose_per_therapy_day(rows: list[DoseEvent]) -> None:
    days = [d.local_date for d in rows]
    assert len(days) == len(set(days)), days
    assert days == sorted(days) and (days[-1] - days[0]).days + 1 == len(days), days  # none lost


async def test_berlin_to_new_york_after_todays_dose_and_across_the_us_dst_change(database_url: str) -> None:
    start = datetime(2026, 10, 26, 12, tzinfo=UTC)  # Monday; Berlin on CET since 25 Oct, New York on EDT
    async with Sandbox(database_url=database_url, start=start) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 27), at=time(8)))
        await sb.run_until(datetime(2026, 10, 27, 7, 1, tzinfo=UTC))  # 08:01 in Berlin
        await take_todays_dose(sb)
        await sb.run_until(datetime(2026, 10, 27, 9, tzinfo=UTC))  # 10:00 in Berlin, 05:00 in New York
        await sb.send(sb.users.text(PAT, "/timezone"))
        assert "Your time zone is Europe/Berlin" in last_text(sb)
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "New York"))
        assert "your time zone is now America/New_York" in last_text(sb)
        assert "Next dose: Wed 28 Oct, 08:00" in last_text(sb)  # not a second dose on the 27th
        assert (await patient_row(sb)).timezone == "America/New_York"

        await sb.run_until(datetime(2026, 11, 2, 14, tzinfo=UTC))  # New York falls back on 1 Nov
        received = reminders(sb, after=datetime(2026, 10, 27, 9, tzinfo=UTC))
        local = [m.date.astimezone(NEW_YORK) for m in received]
        assert [d.date() for d in local] == [date(2026, 10, 28) + timedelta(days=n) for n in range(6)]
        assert {d.time().replace(second=0) for d in local} == {time(8)}  # 08:00 on EDT and on EST
        rows = await doses(sb)
        assert_one_dose_per_therapy_day(rows)
        assert rows[0].status == "taken" and rows[0].local_date == date(2026, 10, 27)

        async with sb.services.sessions() as session:
            audit = (await session.exec(select(AuditEvent).where(AuditEvent.action == "patient.timezone"))).all()
            flags = (await session.exec(select(Flag).where(Flag.kind == "schedule_change"))).all()
        assert len(audit) == 1 and audit[0].subject == f"patient:{rows[0].patient_id}"
        assert len(flags) == 1 and flags[0].severity == "info"
        digest = [m for m in sb.api.sent_to(CLINICIAN.id) if "Daily digest" in (m.text or "")]
        shown = [m for m in digest if "changed the reminder schedule" in (m.text or "")]
        assert len(shown) == 1 and shown[0].date.astimezone(BERLIN).date() == date(2026, 10, 28)
        assert "08:00 Europe/Berlin → 08:00 America/New_York" in (shown[0].text or "")
        assert sb.api.refusals == 0
