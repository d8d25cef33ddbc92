"""A patient's commands, blocking the bot, forged buttons, injections and phase switches, end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, DoseEvent, Outbox, Patient
from tests.helpers import enrol, invite, local_time, team_with_member

PAT = VirtualUser(2001, "Pat")
SAM = VirtualUser(2002, "Sam")
START = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def texts(sb: Sandbox, user: VirtualUser) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(user.id)]


def reminder_count(sb: Sandbox, user: VirtualUser) -> int:
    return sum("vitamin B12:" in t or "B12 injection" in t for t in texts(sb, user))


async def patient_row(sb: Sandbox, alias: str = "MK-17") -> Patient:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Patient).where(Patient.alias == alias))).one()


async def test_status_pause_resume_stop_and_help(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        await sb.run_until(datetime(2026, 9, 3, 12, tzinfo=UTC))
        await sb.send(sb.users.text(PAT, "/status"))
        status = texts(sb, PAT)[-1]
        assert "Next dose: Fri 04 Sep, 09:00" in status
        assert "Wed 02 Sep, 09:00: not confirmed" in status and "Thu 03 Sep, 09:00: waiting for your answer" in status

        await sb.send(sb.users.text(PAT, "/pause"))
        assert "Reminders are paused" in texts(sb, PAT)[-1]
        before = reminder_count(sb, PAT)
        await sb.run_until(datetime(2026, 9, 6, 12, tzinfo=UTC))
        assert reminder_count(sb, PAT) == before  # nothing while paused
        await sb.send(sb.users.text(PAT, "/status"))
        assert "Fri 04 Sep, 09:00: paused" in texts(sb, PAT)[-1] and "/resume" in texts(sb, PAT)[-1]
        await sb.send(sb.users.text(PAT, "/resume"))
        assert "Reminders are on again. Next dose: Mon 07 Sep, 09:00" in texts(sb, PAT)[-1]
        await sb.run_until(datetime(2026, 9, 7, 7, 0, 10, tzinfo=UTC))
        assert reminder_count(sb, PAT) == before + 1

        await sb.send(sb.users.text(PAT, "/help"))
        assert "/status" in texts(sb, PAT)[-1] and "not an emergency service" in texts(sb, PAT)[-1]
        await sb.send(sb.users.text(PAT, "hello?"))  # free text goes to the care team (issue 14)
        assert "I passed your message to your care team" in texts(sb, PAT)[-1]

        await sb.send(sb.users.text(PAT, "/stop"))
        confirm = sb.api.last_to(PAT.id)
        await sb.send(sb.users.press_button(PAT, confirm, "No, keep going"))
        assert "nothing changed" in texts(sb, PAT)[-1]
        await sb.send(sb.users.text(PAT, "/stop"))
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Yes, stop"))
        assert "I will not send you any more messages" in texts(sb, PAT)[-1]
        count = len(sb.api.sent_to(PAT.id))
        await sb.run_until(datetime(2026, 9, 12, tzinfo=UTC))
        assert len(sb.api.sent_to(PAT.id)) == count  # nothing at all after /stop
        assert (await patient_row(sb)).status == "stopped"
        assert sb.api.refusals == 0


async def test_blocking_the_bot_stops_sends_and_unblocking_resumes(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        await enrol(sb, SAM, await invite(sb, alias="QX-2", start=date(2026, 9, 2)))
        sb.api.block(PAT.id)  # Pat blocks silently: Telegram answers the next send with 403
        await sb.send(sb.users.my_chat_member(SAM, status_new="kicked"))  # Sam's block is announced
        await sb.run_until(datetime(2026, 9, 4, tzinfo=UTC))
        pat, sam = await patient_row(sb), await patient_row(sb, "QX-2")
        assert not pat.reachable and not sam.reachable
        assert reminder_count(sb, PAT) == 0 and reminder_count(sb, SAM) == 0
        forbidden = [c for c in sb.api.calls if c.status == 403]
        assert len(forbidden) == 1  # one 403 for Pat, never retried; none for Sam
        async with sb.services.sessions() as session:
            pending = (  # the patients' rows; the care team's digests stay planned
                await session.exec(select(Outbox).where(Outbox.status == "pending", Outbox.kind != "digest"))
            ).all()
            audits = (await session.exec(select(AuditEvent).where(AuditEvent.action == "patient.unreachable"))).all()
        assert pending == [] and len(audits) == 2
        await sb.send(sb.users.my_chat_member(SAM, status_new="member"))
        await sb.run_until(datetime(2026, 9, 4, 7, 1, tzinfo=UTC))
        assert reminder_count(sb, SAM) == 1 and reminder_count(sb, PAT) == 0


async def test_forged_and_foreign_dose_buttons_change_nothing(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        await enrol(sb, SAM, await invite(sb, alias="QX-2", start=date(2026, 9, 2)))
        await sb.run_until(datetime(2026, 9, 2, 7, 1, tzinfo=UTC))
        pat_reminder = sb.api.last_to(PAT.id)
        sam_reminder = sb.api.last_to(SAM.id)
        pat_taken = sb.users.button_data(pat_reminder)[0]
        forged = [pat_taken, "d1:999999:t", "d1:abc:t", "d1:1:x", "d1:1", "zz", "c1:1:q", "p1:other:y"]
        for data in forged:  # Sam presses each on his own reminder message
            await sb.send(sb.users.press(SAM, sam_reminder, data))
        answers = [a[1] for a in sb.api.callback_answers[-len(forged) :]]
        assert answers[0] == "Sorry, this button is not for you."
        assert all(answers)  # every refusal is answered politely
        async with sb.services.sessions() as session:
            statuses = (await session.exec(select(DoseEvent.status).where(DoseEvent.status != "planned"))).all()
            refused = (await session.exec(select(AuditEvent).where(AuditEvent.outcome == "refused"))).all()
        assert sorted(statuses) == ["sent", "sent"]
        assert len(refused) == len(forged)  # each one audited, the malformed stop-shaped one too
        assert "Taken" in str(sb.api.messages[(PAT.id, pat_reminder.message_id)].reply_markup)


async def test_injection_phases_are_appointments_and_phase_switch_is_told(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, regimen="im-cyano-1000", start=date(2026, 9, 2), at=time(10)))
        await sb.run_until(datetime(2026, 9, 2, 8, 1, tzinfo=UTC))
        first = sb.api.last_to(PAT.id)
        assert "Was your B12 injection (B12 1000 mcg injection) given today?" in (first.text or "")
        assert [b["text"] for b in first.reply_markup["inline_keyboard"][0]] == ["Given", "Not yet", "Not given"]
        await sb.send(sb.users.press_button(PAT, first, "Given"))
        assert "Injection given" in (sb.api.messages[(PAT.id, first.message_id)].text or "")
        # daily x7 (2-8 Sep), then weekly: the first weekly injection is 15 Sep, announced that day
        await sb.run_until(datetime(2026, 9, 16, tzinfo=UTC))
        switch = [m for m in sb.api.sent_to(PAT.id) if "From today your plan changes" in (m.text or "")]
        assert len(switch) == 1 and "once a week" in (switch[0].text or "")
        assert switch[0].date.date() == date(2026, 9, 15) and local_time(switch[0].date, "Europe/Berlin") == time(10)
        # an unanswered injection is nudged after 48 hours, not 2
        nudges = [m for m in sb.api.sent_to(PAT.id) if "gentle reminder" in (m.text or "")]
        reminders = [m for m in sb.api.sent_to(PAT.id) if "given today?" in (m.text or "")]
        assert nudges and nudges[0].date - reminders[1].date == timedelta(hours=48)


async def test_rate_limiter_on_delivers_everything(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START, rate_limiter=True) as sb:
        await team_with_member(sb)
        users = [VirtualUser(3000 + i, f"P{i}") for i in range(5)]
        for i, user in enumerate(users):
            await enrol(sb, user, await invite(sb, alias=f"RL-{i}", start=date(2026, 9, 2)))
        await sb.run_until(datetime(2026, 9, 2, 7, 1, tzinfo=UTC))
        assert [reminder_count(sb, u) for u in users] == [1] * 5
        async with sb.services.sessions() as session:
            sent = (
                await session.exec(select(Outbox).where(col(Outbox.status) == "sent", Outbox.kind == "dose_reminder"))
            ).all()
        assert len(sent) == 5


async def test_a_discharged_patient_is_told_so_by_status_pause_and_stop(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 9, 2)))
        async with sb.services.sessions() as session:
            row = (await session.exec(select(Patient))).one()
            row.status = "discharged"
            await session.commit()
        for command in ("/status", "/pause", "/resume"):
            await sb.send(sb.users.text(PAT, command))
            assert "Your care team has finished your reminders" in texts(sb, PAT)[-1], command
