"""/time and /timezone end to end on the Bot API stand-in, in virtual time: the reminders a patient
actually receives after moving across a DST change and across the date line, the transition dose the
patient confirms when the plain move would put doses under 8 or over 36 hours apart, bad answers that
change nothing, paused and stopped patients, and the line in the care team's next digest."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
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


def last(sb: Sandbox) -> SentMessage:
    message = sb.api.last_to(PAT.id)
    assert message is not None
    return message


def last_text(sb: Sandbox) -> str:
    return last(sb).text or ""


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
    start = datetime(2026, 10, 29, 12, tzinfo=UTC)  # Berlin on CET since 25 Oct; New York on EDT until 1 Nov
    async with Sandbox(database_url=database_url, start=start) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 30), at=time(8)))
        await sb.run_until(datetime(2026, 10, 30, 7, 1, tzinfo=UTC))  # 08:01 in Berlin
        await take_todays_dose(sb)
        await sb.run_until(datetime(2026, 10, 30, 9, tzinfo=UTC))  # 10:00 in Berlin, 05:00 in New York
        await sb.send(sb.users.text(PAT, "/timezone"))
        assert "Your time zone is Europe/Berlin" in last_text(sb)
        await sb.send(sb.users.press_button(PAT, last(sb), "New York"))
        assert "your time zone is now America/New_York" in last_text(sb)
        assert "Next dose: Sat 31 Oct, 08:00" in last_text(sb)  # not a second dose on the 30th
        assert (await patient_row(sb)).timezone == "America/New_York"

        await sb.run_until(datetime(2026, 11, 2, 14, tzinfo=UTC))  # New York falls back on 1 Nov
        received = reminders(sb, after=datetime(2026, 10, 30, 9, tzinfo=UTC))
        local = [m.date.astimezone(NEW_YORK) for m in received]
        assert [d.date() for d in local] == [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]
        assert {d.time().replace(second=0) for d in local} == {time(8)}  # 08:00 on EDT and on EST
        rows = await doses(sb)
        assert_one_dose_per_therapy_day(rows)
        assert rows[0].status == "taken" and rows[0].local_date == date(2026, 10, 30)

        async with sb.services.sessions() as session:
            audit = (await session.exec(select(AuditEvent).where(AuditEvent.action == "patient.timezone"))).all()
            flags = (await session.exec(select(Flag).where(Flag.kind == "schedule_change"))).all()
        assert len(audit) == 1 and audit[0].subject == f"patient:{rows[0].patient_id}" and audit[0].detail is None
        assert len(flags) == 1 and flags[0].severity == "info"
        digest = [m for m in sb.api.sent_to(CLINICIAN.id) if "Daily digest" in (m.text or "")]
        shown = [m for m in digest if "The patient moved their reminders: " in (m.text or "")]
        assert len(shown) == 1 and shown[0].date.astimezone(BERLIN).date() == date(2026, 10, 31)
        assert "08:00 Europe/Berlin → 08:00 America/New_York" in (shown[0].text or "")
        assert sb.api.refusals == 0


def gaps(messages: list[SentMessage]) -> list[float]:
    return [(b.date - a.date).total_seconds() / 3600 for a, b in itertools.pairwise(messages)]


async def test_tokyo_to_los_angeles_across_the_date_line_proposes_a_transition_dose(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=datetime(2026, 10, 26, 12, tzinfo=UTC)) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 27), tz="Asia/Tokyo", at=time(9)))
        await sb.run_until(datetime(2026, 10, 27, 0, 1, tzinfo=UTC))  # 09:01 in Tokyo
        await take_todays_dose(sb)
        await sb.run_until(datetime(2026, 10, 27, 3, tzinfo=UTC))  # 12:00 in Tokyo, 20:00 on the 26th in LA
        before = [(d.due_at, d.status) for d in await doses(sb)]
        await sb.send(sb.users.text(PAT, "/timezone"))
        await sb.send(sb.users.press_button(PAT, last(sb), "Another"))
        assert "Type the name of your time zone" in last_text(sb)
        await sb.send(sb.users.text(PAT, "america/los_angeles"))  # any case
        # 09:00 in LA on the 28th would come 40 hours after the last dose (the 27th's, taken in Tokyo)
        ask = last_text(sb)
        assert "your last dose: Mon 26 Oct, 17:00" in ask and "next dose on Tue 27 Oct, 22:00" in ask, ask
        assert "then at 09:00 (America/Los_Angeles time)" in ask and "/stop" in ask
        assert (await patient_row(sb)).timezone == "Asia/Tokyo"  # nothing changes before the answer
        assert [(d.due_at, d.status) for d in await doses(sb)] == before
        await sb.send(sb.users.press_button(PAT, last(sb), "Yes, at 22:00"))
        assert "your next dose is on Tue 27 Oct, 22:00" in last_text(sb)
        assert (await patient_row(sb)).timezone == "America/Los_Angeles"

        await sb.run_until(datetime(2026, 10, 30, 17, tzinfo=UTC))  # 10:00 on the 30th in LA
        received = reminders(sb)
        local = [m.date.astimezone(LOS_ANGELES).strftime("%a %d %H:%M") for m in received]
        assert local == ["Mon 26 17:00", "Tue 27 22:00", "Thu 29 09:00", "Fri 30 09:00"]
        assert all(8 <= gap <= 36 for gap in gaps(received)), gaps(received)
        assert_one_dose_per_therapy_day(await doses(sb))


async def test_time_bad_values_change_nothing_and_a_too_close_dose_is_confirmed_or_cancelled(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=datetime(2026, 10, 27, 12, tzinfo=UTC)) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 27), at=time(20)))
        await sb.run_until(datetime(2026, 10, 27, 19, 1, tzinfo=UTC))  # 20:01 in Berlin
        await take_todays_dose(sb)
        await sb.run_until(datetime(2026, 10, 28, 0, tzinfo=UTC))  # 01:00 in Berlin
        before = [(d.due_at, d.status) for d in await doses(sb)]
        await sb.send(sb.users.text(PAT, "/time"))
        assert "Your reminders come at 20:00 (Europe/Berlin time)" in last_text(sb)
        for bad in ("25:00", "8:75", "soon"):
            await sb.send(sb.users.text(PAT, f"/time {bad}"))
            assert f"“{bad}” is not a time I understand" in last_text(sb) and "Nothing was changed" in last_text(sb)
        await sb.send(sb.users.text(PAT, "/time 7.99"))
        assert "is not a time I understand" in last_text(sb)
        assert (await patient_row(sb)).reminder_time == "20:00"
        assert [(d.due_at, d.status) for d in await doses(sb)] == before

        await sb.send(sb.users.text(PAT, "2"))  # 02:00 tonight would be 6 hours after the 20:00 dose
        assert "next dose on Wed 28 Oct, 11:00, then at 02:00 (Europe/Berlin time)" in last_text(sb)
        await sb.send(sb.users.press_button(PAT, last(sb), "Cancel the change"))
        assert "Nothing was changed: your reminders stay at 20:00" in last_text(sb)
        assert [(d.due_at, d.status) for d in await doses(sb)] == before
        await sb.send(sb.users.text(PAT, "/time 2.00"))
        proposal = last(sb)
        yes = sb.users.press_button(PAT, proposal, "Yes, at 11:00")
        await sb.send(yes)
        assert "your next dose is on Wed 28 Oct, 11:00; after that, reminders come at 02:00" in last_text(sb)
        await sb.send(sb.users.press(PAT, proposal, "s1:ok"))  # a second tap changes nothing
        assert sb.api.callback_answers[-1][1] == "This question is no longer open."

        await sb.run_until(datetime(2026, 10, 30, 2, tzinfo=UTC))
        local = [m.date.astimezone(BERLIN).strftime("%d %H:%M") for m in reminders(sb)]
        assert local == ["27 20:00", "28 11:00", "29 02:00", "30 02:00"]
        assert_one_dose_per_therapy_day(await doses(sb))
        async with sb.services.sessions() as session:
            audit = (await session.exec(select(AuditEvent).where(AuditEvent.action == "patient.time"))).all()
        assert len(audit) == 1


async def test_bad_zone_paused_stopped_and_cancel(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=datetime(2026, 10, 27, 12, tzinfo=UTC)) as sb:
        await team_with_member(sb)
        stranger = VirtualUser(2999, "Sam")
        await sb.send(sb.users.text(stranger, "/start"), sb.users.text(stranger, "/timezone Europe/Paris"))
        assert "open the link your care team gave you" in (sb.api.sent_to(stranger.id)[-1].text or "")
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 28), at=time(9)))
        before = [(d.due_at, d.status) for d in await doses(sb)]
        await sb.send(sb.users.text(PAT, "/timezone Mars/Olympus"))
        assert "“Mars/Olympus” is not a time zone I know" in last_text(sb) and "Europe/Berlin" in last_text(sb)
        await sb.send(sb.users.text(PAT, "UTC+3"))  # wrong a second time: the question closes
        assert "“UTC+3” is not a time zone I know" in last_text(sb) and "I have closed this question" in last_text(sb)
        await sb.send(sb.users.text(PAT, "/cancel"))
        assert "There is no open question to cancel." in last_text(sb)
        await sb.send(sb.users.text(PAT, "Europe/Paris"))  # no question open: not taken as a zone
        assert "I passed your message to your care team" in last_text(sb)  # free text goes to the team
        assert (await patient_row(sb)).timezone == "Europe/Berlin"
        assert [(d.due_at, d.status) for d in await doses(sb)] == before

        await sb.send(sb.users.text(PAT, "/pause"))
        await sb.send(sb.users.text(PAT, "/time 7:30"))
        assert "reminders now come at 07:30" in last_text(sb) and "send /resume" in last_text(sb)
        await sb.send(sb.users.text(PAT, "/timezone new york"))  # a city alone, when one zone has it
        assert "your time zone is now America/New_York" in last_text(sb)
        await sb.send(sb.users.text(PAT, "/timezone America/New_York"))
        assert "already come at 07:30 (America/New_York time)" in last_text(sb)
        await sb.send(sb.users.text(PAT, "/resume"))
        await sb.run_until(datetime(2026, 10, 28, 12, 31, tzinfo=UTC))  # 08:31 in New York
        assert [m.date.astimezone(NEW_YORK).strftime("%d %H:%M") for m in reminders(sb)] == ["28 07:30"]

        await sb.send(sb.users.text(PAT, "/stop"))
        await sb.send(sb.users.press_button(PAT, last(sb), "Yes, stop"))
        await sb.send(sb.users.text(PAT, "/time 9:00"))
        assert "You have stopped messages from me" in last_text(sb)
        assert (await patient_row(sb)).reminder_time == "07:30"
