"""/enrol and /team_chat end to end on the sandbox: the guided dialogue, its errors, a restart, refusals."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, Dialogue, Patient, Team, TeamMember
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.qhelpers import BEFORE_RED_FLAGS, answer_all, red_flags

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday; 11:00 in Berlin
PATIENT = VirtualUser(2001, "Pat")
STRANGER = VirtualUser(3001, "Nosy")
GROUP = -4001234567
SUPERGROUP = -1001234567890
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def say(sb: Sandbox, text: str, user: VirtualUser = CLINICIAN) -> SentMessage:
    await sb.send(sb.users.text(user, text))
    last = sb.api.last_to(user.id)
    assert last is not None
    return last


async def press(sb: Sandbox, message: SentMessage, label: str, user: VirtualUser = CLINICIAN) -> SentMessage:
    await sb.send(sb.users.press_button(user, message, label))
    last = sb.api.last_to(CLINICIAN.id)
    assert last is not None
    return last


async def audits(sb: Sandbox, action: str) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        return list((await session.exec(query)).all())


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_enrol_dialogue_with_errors_and_a_restart_then_the_patient_consents(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        ask = await say(sb, "/enrol")
        assert "Type the patient's alias" in (ask.text or "") and "Neuro clinic" in (ask.text or "")
        ask = await say(sb, "Max Mustermann")
        assert "⚠️ the alias must be a pseudonym like MK-17" in (ask.text or "")
        assert "Type the patient's alias" in (ask.text or "")
        ask = await say(sb, "MK-17")
        assert "Which regimen?" in (ask.text or "") and "e1:regimen:oral-high" in sb.users.button_data(ask)
        ask = await press(sb, ask, "oral-high")
        assert "step down" in (ask.text or "")
        ask = await press(sb, ask, "Yes")
        assert "Therapy start date?" in (ask.text or "")
        ask = await press(sb, ask, "Tomorrow")
        assert "time zone" in (ask.text or "") and sb.users.button_data(ask)[0] == "e1:tz:Europe/Berlin"
        ask = await say(sb, "Europe/Berln")
        assert '⚠️ "Europe/Berln" is not a known time zone (did you mean Europe/Berlin?)' in (ask.text or "")
        ask = await say(sb, "Europe/Berlin")
        assert "Reminder time" in (ask.text or "")

        await sb.restart()  # nothing of the dialogue lives in memory
        ask = await say(sb, "25:00")
        assert "⚠️" in (ask.text or "") and "the hour must be 0-23" in (ask.text or "")
        assert "Reminder time" in (ask.text or "")
        ask = await press(sb, ask, "09:00")
        assert "Baseline vitamin B12" in (ask.text or "")
        ask = await say(sb, "180 ng/L 2026-10-20")
        summary = ask.text or ""
        for part in ("Alias: MK-17", "weekly after week 8", "Start: Tue 03 Nov 2026", "Europe/Berlin", "09:00"):
            assert part in summary
        assert "Baseline B12: 180 ng/L (2026-10-20)" in summary
        await sb.send(sb.users.press_button(CLINICIAN, ask, "Confirm"))

        link_message, photo = sb.api.sent_to(CLINICIAN.id)[-2:]
        assert "Invite for MK-17 is ready" in (link_message.text or "")
        assert photo.kind == "photo" and photo.file_bytes is not None
        width, height = png_size(photo.file_bytes)
        assert width == height and width >= 200
        assert "MK-17" in (photo.text or "") and "valid until" in (photo.text or "")
        url = next(word for word in (link_message.text or "").split() if word.startswith("https://t.me/"))
        await enrol(sb, PATIENT, Sandbox.payload(url))

        async with sb.services.sessions() as session:
            patient = (await session.exec(select(Patient))).one()
            left = (await session.exec(select(Dialogue))).all()
        assert (patient.status, patient.alias, patient.regimen_code) == ("active", "MK-17", "oral-high")
        assert patient.regimen["params"] == {"step_down": True}
        assert (patient.therapy_start, patient.timezone, patient.reminder_time) == (
            date(2026, 11, 3),
            "Europe/Berlin",
            "09:00",
        )
        assert (patient.baseline_b12_value, patient.baseline_b12_unit) == (180.0, "ng/L")
        assert patient.baseline_b12_date == date(2026, 10, 20)
        assert left == []
        assert [a.actor for a in await audits(sb, "patient.invite")] == [f"tg:{CLINICIAN.id}"]


async def test_non_members_are_refused_and_audited(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(STRANGER, "/start"))
        refused = await say(sb, "/enrol", STRANGER)
        assert "only active members of a care team" in (refused.text or "")
        assert [(a.actor, a.outcome) for a in await audits(sb, "patient.enrol")] == [(f"tg:{STRANGER.id}", "refused")]

        # a stranger's press on the clinician's dialogue changes nothing
        ask = await say(sb, "/enrol")
        ask = await say(sb, "MK-17")
        await sb.send(sb.users.press(STRANGER, ask, "e1:regimen:im-hydroxo"))
        assert sb.api.callback_answers[-1][1] == "Sorry, this button is not for you."
        assert [a.detail for a in await audits(sb, "enrol")] == [{"reason": "not_yours"}]
        ask = await press(sb, ask, "im-hydroxo")
        assert "Therapy start date?" in (ask.text or "")
        async with sb.services.sessions() as session:  # the clinician leaves the team mid-dialogue
            member = (await session.exec(select(TeamMember))).one()
            member.active = False
            session.add(member)
            await session.commit()
        refused = await press(sb, ask, "Tomorrow")
        assert "only active members of a care team" in (refused.text or "")
        assert [a.actor for a in await audits(sb, "patient.enrol")] == [f"tg:{STRANGER.id}", f"tg:{CLINICIAN.id}"]
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Dialogue))).all() == []
        async with sb.services.sessions() as session:
            member.active = True
            session.add(member)
            await session.commit()

        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(STRANGER, GROUP, "/team_chat"))
        assert "only active members" in (sb.api.last_to(GROUP).text or "")
        assert [(a.actor, a.outcome) for a in await audits(sb, "team.alert_chat")] == [(f"tg:{STRANGER.id}", "refused")]
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Team))).one().alert_chat_id is None
        private = await say(sb, "/team_chat")
        assert "Run /team_chat in your care team's Telegram group" in (private.text or "")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/enrol"))
        assert "private chat" in (sb.api.last_to(GROUP).text or "")


async def test_team_chat_by_a_member_routes_urgent_alerts_to_the_group(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        assert "now the alert chat of the care team “Neuro clinic”" in (sb.api.last_to(GROUP).text or "")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        assert "already the alert chat" in (sb.api.last_to(GROUP).text or "")
        await enrol(sb, PATIENT, await invite(sb, start=date(2026, 11, 3)))
        await sb.tick()  # the baseline questionnaire goes out
        await answer_all(sb, PATIENT, [*BEFORE_RED_FLAGS, *red_flags(3)])  # chest pain: yes
        before = len(sb.api.sent_to(CLINICIAN.id))
        await sb.tick()
        alerts = [m.text or "" for m in sb.api.sent_to(GROUP)]
        assert any("Urgent · patient MK-17" in a and "aortic" in a for a in alerts)
        assert len(sb.api.sent_to(CLINICIAN.id)) == before  # the group, not the private chat

        # the group becomes a supergroup: Telegram announces the new id in the old group
        sb.api.add_group(SUPERGROUP, "Neuro team", kind="supergroup")
        notice = {"message_id": sb.api.allocate_message_id(GROUP), "date": int(sb.clock().timestamp())}
        notice |= {"chat": sb.api.chats[GROUP], "from": CLINICIAN.as_json(), "migrate_to_chat_id": SUPERGROUP}
        await sb.send(sb.users._update("message", notice))
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Team))).one().alert_chat_id == SUPERGROUP


async def test_custom_phases_dose_cancel_expiry_and_stale_buttons(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await say(sb, "/enrol")
        ask = await say(sb, "AB-1")
        regimen_ask = ask
        ask = await press(sb, ask, "source-daily")
        ask = await say(sb, "600")
        assert "source-daily dose must be 100-500 mcg, not 600" in (ask.text or "")
        ask = await say(sb, "/cancel")
        assert "cancelled" in (ask.text or "")
        await sb.send(sb.users.press(CLINICIAN, regimen_ask, "e1:regimen:oral-methyl"))  # an old button
        assert sb.api.callback_answers[-1][1] == "Sorry, this button no longer works."

        await say(sb, "/enrol")
        ask = await press(sb, await say(sb, "AB-1"), "Custom")
        ask = await say(sb, "1000 mcg oral daily; 1000 mcg oral weekly")
        assert "only the last phase may be open-ended" in (ask.text or "")
        ask = await say(sb, "1000 mcg orally daily x14")
        assert "could not read the phase" in (ask.text or "")
        ask = await say(sb, "1000 mcg oral daily x14; 1000 mcg oral weekly")
        assert "Therapy start date?" in (ask.text or "")
        ask = await say(sb, "2026-13-01")
        assert "is not a date" in (ask.text or "")
        ask = await say(sb, "2026-11-09")
        ask = await press(sb, ask, "Europe/London")
        ask = await say(sb, "08:30")
        ask = await press(sb, ask, "Skip")
        assert "custom: 1000 mcg oral daily x14, then 1000 mcg oral weekly" in (ask.text or "")
        assert "Baseline B12: —" in (ask.text or "")
        ask = await say(sb, "yes")
        assert "Please use the buttons" in (ask.text or "")

        sb.clock.advance(timedelta(minutes=31))
        await sb.send(sb.users.press_button(CLINICIAN, ask, "Confirm"))
        assert "idle for more than 30 minutes" in (sb.api.last_to(CLINICIAN.id).text or "")
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Patient))).all() == []
            assert (await session.exec(select(Dialogue))).all() == []
        stray = await say(sb, "hello")  # no dialogue: the ordinary stray-text answer
        assert "Invite" not in (stray.text or "") and "⚠️" not in (stray.text or "")


async def test_an_alias_taken_meanwhile_sends_back_to_the_alias_and_a_double_confirm_invites_once(
    sqlite_url: str,
) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await say(sb, "/enrol")
        ask = await press(sb, await say(sb, "MK-17"), "im-cyano-1000")
        ask = await press(sb, await press(sb, ask, "Today"), "America/New_York")
        summary = await press(sb, await press(sb, ask, "18:00"), "Skip")
        await invite(sb, alias="MK-17", start=date(2026, 11, 3))  # a colleague on the command line
        ask = await press(sb, summary, "Confirm")
        assert "already used in this team" in (ask.text or "") and "Type the patient's alias" in (ask.text or "")
        summary = await say(sb, "MK-18")
        assert "Alias: MK-18" in (summary.text or "") and "Time zone: America/New_York" in (summary.text or "")
        confirm = sb.users.press_button(CLINICIAN, summary, "Confirm")
        await sb.send(confirm, sb.users.press_button(CLINICIAN, summary, "Confirm"))
        photos = [m for m in sb.api.sent_to(CLINICIAN.id) if m.kind == "photo"]
        assert len(photos) == 1 and sb.api.callback_answers[-1][1] == "Sorry, this button no longer works."
        async with sb.services.sessions() as session:
            assert sorted(p.alias for p in (await session.exec(select(Patient))).all()) == ["MK-17", "MK-18"]
