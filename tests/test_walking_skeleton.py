"""End to end through the real Application on the Bot API stand-in: invite, consent, reminders, presses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, DoseEvent, Invite, Patient, TeamMember
from tests.helpers import CLINICIAN, enrol, invite, local_time, team_with_member

PATIENT = VirtualUser(2001, "Pat")


async def doses(sb: Sandbox) -> list[DoseEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all())


@pytest.mark.parametrize(
    ("tz", "first_day", "welcome_day", "utc_hours"),
    [
        # six days, one reminder each, at 09:00 local before and after the switch to summer time
        ("Europe/Berlin", date(2026, 3, 26), "Thu 26 Mar", [8, 8, 8, 7, 7, 7]),  # switch on 29 Mar
        ("America/New_York", date(2026, 3, 5), "Thu 05 Mar", [14, 14, 14, 13, 13, 13]),  # switch on 8 Mar
    ],
)
async def test_clinician_joins_patient_consents_and_is_reminded_across_dst(
    database_url: str, tz: str, first_day: date, welcome_day: str, utc_hours: list[int]
) -> None:
    start = datetime.combine(first_day - timedelta(days=1), time(12), tzinfo=UTC)
    async with Sandbox(database_url=database_url, start=start) as sb:
        await team_with_member(sb, tz=tz)
        assert "now a member of the care team “Neuro clinic”" in (sb.api.last_to(CLINICIAN.id).text or "")
        token = await invite(sb, start=first_day, tz=tz)
        await enrol(sb, PATIENT, token)
        welcome = sb.api.last_to(PATIENT.id).text or ""
        assert f"Thank you. Your first reminder comes on {welcome_day}, 09:00" in welcome
        assert "/stop" in welcome

        await sb.run_until(datetime.combine(first_day + timedelta(days=6), time(0, 1), tzinfo=ZoneInfo(tz)))
        reminders = [m for m in sb.api.sent_to(PATIENT.id) if "Time for your vitamin B12" in (m.text or "")]
        assert [m.date.astimezone(UTC).hour for m in reminders] == utc_hours
        assert all(local_time(m.date, tz) == time(9) for m in reminders)
        assert "B12 1000 mcg by mouth" in (reminders[0].text or "")
        rows = await doses(sb)
        assert [d.status for d in rows[:6]] == ["unconfirmed"] * 6
        # each unanswered reminder got exactly one nudge two hours later
        nudges = [m for m in sb.api.sent_to(PATIENT.id) if "gentle reminder" in (m.text or "")]
        assert len(nudges) == 6
        assert nudges[0].date - reminders[0].date == timedelta(hours=2)


async def test_taken_snooze_skip_buttons_record_and_edit(database_url: str) -> None:
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    async with Sandbox(database_url=database_url, start=start) as sb:
        await team_with_member(sb, tz="America/New_York")
        token = await invite(sb, start=date(2026, 11, 2), tz="America/New_York")
        await enrol(sb, PATIENT, token)
        await sb.run_until(datetime(2026, 11, 2, 14, 0, 30, tzinfo=UTC))  # 09:00 New York = 14:00 UTC
        reminder = sb.api.last_to(PATIENT.id)
        assert reminder is not None and sb.users.button_data(reminder) == [
            f"d1:{(await doses(sb))[0].id}:t",
            f"d1:{(await doses(sb))[0].id}:s",
            f"d1:{(await doses(sb))[0].id}:k",
            f"d1:{(await doses(sb))[0].id}:e",  # Taken earlier…
            "r1:o",  # Report a symptom
        ]
        await sb.send(sb.users.press_button(PATIENT, reminder, "Taken"))
        edited = sb.api.messages[(PATIENT.id, reminder.message_id)]
        assert "✓ Taken at 09:00" in (edited.text or "") and edited.reply_markup is None
        assert (await doses(sb))[0].status == "taken"

        # next day: snooze, get it again 30 minutes later, then skip
        await sb.run_until(datetime(2026, 11, 3, 14, 0, 30, tzinfo=UTC))
        second = sb.api.last_to(PATIENT.id)
        await sb.send(sb.users.press_button(PATIENT, second, "Snooze"))
        assert "I will remind you again at 09:30" in (sb.api.messages[(PATIENT.id, second.message_id)].text or "")
        await sb.run_until(datetime(2026, 11, 3, 14, 31, tzinfo=UTC))
        again = sb.api.last_to(PATIENT.id)
        assert again.message_id != second.message_id and "Time for your vitamin B12" in (again.text or "")
        taken_data = sb.users.button_data(again)[0]
        await sb.send(sb.users.press_button(PATIENT, again, "Skip"))
        rows = await doses(sb)
        assert rows[1].status == "skipped" and rows[1].snoozes == 1
        # a second press on the same, now answered, dose changes nothing
        await sb.send(sb.users.press(PATIENT, again, taken_data))
        assert (await doses(sb))[1].status == "skipped"
        assert sb.api.callback_answers[-1][1] == "Already saved: skipped"
        assert sb.api.refusals == 0


async def test_invite_is_single_use_and_decline_stores_nothing(database_url: str) -> None:
    start = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    async with Sandbox(database_url=database_url, start=start) as sb:
        await team_with_member(sb)
        token = await invite(sb, start=date(2026, 5, 2))
        other = VirtualUser(2002, "Other")
        await sb.send(sb.users.text(PATIENT, f"/start {token}"))
        await sb.send(sb.users.text(other, f"/start {token}"))
        assert "opened in another chat" in (sb.api.last_to(other.id).text or "")
        consent = sb.api.last_to(PATIENT.id)
        await sb.send(sb.users.press_button(other, consent, "I agree"))  # a foreign press on the consent
        await sb.send(sb.users.press_button(PATIENT, consent, "No thanks"))
        assert "I will not send you anything" in (sb.api.last_to(PATIENT.id).text or "")
        async with sb.services.sessions() as session:
            patient = (await session.exec(select(Patient))).one()
            invite_row = (await session.exec(select(Invite).where(Invite.kind == "patient"))).one()
        assert patient.status == "declined" and patient.chat_id is None
        assert invite_row.used_at is not None and invite_row.opened_chat_id is None
        await sb.send(sb.users.text(PATIENT, f"/start {token}"))
        assert "already been used" in (sb.api.last_to(PATIENT.id).text or "")
        await sb.run_until(datetime(2026, 5, 4, tzinfo=UTC))
        assert not [m for m in sb.api.sent_to(PATIENT.id) if "vitamin B12:" in (m.text or "")]
        async with sb.services.sessions() as session:
            members = (await session.exec(select(TeamMember))).all()
            refusals = (await session.exec(select(AuditEvent).where(AuditEvent.outcome == "refused"))).all()
        assert len(members) == 1
        assert [r.action for r in refusals] == ["link.open", "consent", "link.open"]  # other chat x2, reuse
