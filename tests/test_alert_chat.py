"""The team's alert group cannot lose an alert quietly (issue 12), end to end on the sandbox.

The bot removed from the group: the urgent alert and the daily digest reach every active member's private
chat, each member is told why, and the alert chat is cleared (audited). A group that became a supergroup
is followed on the send error itself (Telegram's migrate_to_chat_id), not only on the service message.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.flags import Flag as CareFlag
from care.flags import FlagKind, Severity
from schedules.flagging import raise_flags
from services import enrolment
from storage.models import AuditEvent, Outbox, Patient, Team
from tests.helpers import CLINICIAN, TTL, enrol, forbid, invite, team_with_member

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; 14:00 in Berlin, digest at 08:00 Berlin
PATIENT = VirtualUser(2001, "Wilhelmina")
COLLEAGUE = VirtualUser(1002, "Dr Second")
GROUP = -100900
SUPERGROUP = -1009000000001
LOST = "can no longer post in the alert group of the care team “Neuro clinic”"


async def setup(sb: Sandbox) -> Patient:
    """A team of two members with an alert group, and one enrolled patient."""
    await team_with_member(sb)
    issued = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL)
    forbid(issued.token)
    await sb.send(sb.users.text(COLLEAGUE, f"/start {issued.token}"))
    sb.api.add_group(GROUP, "Neuro team")
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
    await enrol(sb, PATIENT, await invite(sb, start=START.date()))
    await sb.run_for(timedelta(minutes=1))  # whatever is due now goes out (baseline questions, notices)
    async with sb.services.sessions() as session:
        team = (await session.exec(select(Team))).one()
        assert team.alert_chat_id == GROUP
        return (await session.exec(select(Patient))).one()


async def flag(sb: Sandbox, patient: Patient, episode: str, severity: Severity) -> None:
    care = CareFlag(FlagKind.WORSENING, severity, episode, {"pain": 8, "baseline_pain": 6})
    async with sb.services.sessions() as session:
        await raise_flags(session, patient=patient, flags=[care], now=sb.clock())
        await session.commit()


def texts(sb: Sandbox, chat: int) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(chat)]


async def audits(sb: Sandbox, action: str) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        return list((await session.exec(query)).all())


async def alert_chat(sb: Sandbox) -> int | None:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Team))).one().alert_chat_id


async def test_an_urgent_alert_the_group_refuses_reaches_every_member_who_is_told_why(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        patient = await setup(sb)
        before = {m: len(sb.api.sent_to(m)) for m in (CLINICIAN.id, COLLEAGUE.id)}
        sb.api.remove_from_group(GROUP)  # someone removes the bot from the team's group
        await flag(sb, patient, "e1", Severity.URGENT)
        await sb.run_for(timedelta(minutes=1))
        for member in (CLINICIAN.id, COLLEAGUE.id):
            new = texts(sb, member)[before[member] :]
            alerts = [x for x in new if x.startswith("🔴 Urgent · patient MK-17")]
            assert len(alerts) == 1 and sum(LOST in x for x in new) == 1, new
            alert = next(m for m in sb.api.sent_to(member) if m.text == alerts[0])
            assert any("Acknowledge" in str(b.get("text")) for b in sb.users.buttons(alert))
        assert await alert_chat(sb) is None
        (lost,) = await audits(sb, "team.alert_chat_lost")
        assert (lost.detail or {})["chat_id"] == GROUP and (lost.detail or {})["members_told"] == 2
        async with sb.services.sessions() as session:
            rows = (await session.exec(select(Outbox).where(Outbox.kind == "alert"))).all()
        assert sorted((r.chat_id, r.status) for r in rows) == [
            (GROUP, "failed"),
            (CLINICIAN.id, "sent"),
            (COLLEAGUE.id, "sent"),
        ]
        # the next urgent alert goes straight to the members, without another notice
        await flag(sb, patient, "e2", Severity.URGENT)
        await sb.run_for(timedelta(minutes=1))
        for member in (CLINICIAN.id, COLLEAGUE.id):
            new = texts(sb, member)[before[member] :]
            assert sum(x.startswith("🔴 Urgent · patient MK-17") for x in new) == 2
            assert sum(LOST in x for x in new) == 1
        # a member acknowledges the rerouted alert from their private chat
        alert = sb.api.sent_to(COLLEAGUE.id)[-1]
        await sb.send(sb.users.press_button(COLLEAGUE, alert, "Acknowledge"))
        assert "acknowledged" in (sb.api.messages[(COLLEAGUE.id, alert.message_id)].text or "")


@pytest.mark.parametrize("how", ["bot removed (403)", "group deleted (chat not found)"])
async def test_the_daily_digest_the_group_refuses_reaches_every_member(database_url: str, how: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        patient = await setup(sb)
        await flag(sb, patient, "w1", Severity.WARNING)
        if how.startswith("bot removed"):
            sb.api.remove_from_group(GROUP)
        else:
            del sb.api.chats[GROUP]
        await sb.run_until(datetime(2026, 10, 6, 6, 1, tzinfo=UTC))  # 08:01 in Berlin
        for member in (CLINICIAN.id, COLLEAGUE.id):
            new = texts(sb, member)
            digests = [x for x in new if x.startswith("📋 Daily digest")]
            assert len(digests) == 1 and "#1 · MK-17" in digests[0], new
            assert sum(LOST in x for x in new) == 1
        assert await alert_chat(sb) is None
        # the next day's digest is planned for the members' private chats
        await sb.run_until(datetime(2026, 10, 7, 6, 1, tzinfo=UTC))
        for member in (CLINICIAN.id, COLLEAGUE.id):
            assert sum(x.startswith("📋") for x in texts(sb, member)) == 2  # a digest, then "nothing new"


async def test_a_group_that_became_a_supergroup_is_followed_on_a_send_error(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        patient = await setup(sb)
        sb.api.migrate_group(GROUP, SUPERGROUP)  # no service message reaches the bot: only the send error
        await flag(sb, patient, "e1", Severity.URGENT)
        await flag(sb, patient, "e2", Severity.URGENT)
        await sb.run_for(timedelta(minutes=1))
        alerts = [x for x in texts(sb, SUPERGROUP) if x.startswith("🔴 Urgent · patient MK-17")]
        assert len(alerts) == 2
        assert await alert_chat(sb) == SUPERGROUP
        moved = await audits(sb, "team.alert_chat_moved")
        assert [(m.detail or {}) for m in moved] == [{"from": GROUP, "to": SUPERGROUP, "source": "send"}]
        assert not any(LOST in x for m in (CLINICIAN.id, COLLEAGUE.id) for x in texts(sb, m))
        # the next digest goes to the supergroup too
        await sb.run_until(datetime(2026, 10, 6, 6, 1, tzinfo=UTC))
        assert sum(x.startswith("📋 Daily digest") for x in texts(sb, SUPERGROUP)) == 1


async def test_a_member_who_blocked_the_bot_is_not_marked_an_unreachable_patient(sqlite_url: str) -> None:
    """Team messages refused by a member's private chat stay failed; nothing is rerouted or flagged."""
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        patient = await setup(sb)
        async with sb.services.sessions() as session:
            team = (await session.exec(select(Team))).one()
            team.alert_chat_id = None
            session.add(team)
            await session.commit()
        sb.api.block(COLLEAGUE.id)
        await flag(sb, patient, "e1", Severity.URGENT)
        await sb.run_for(timedelta(minutes=1))
        async with sb.services.sessions() as session:
            rows = (await session.exec(select(Outbox).where(Outbox.kind == "alert"))).all()
            assert sorted((r.chat_id, r.status) for r in rows) == [(CLINICIAN.id, "sent"), (COLLEAGUE.id, "failed")]
            assert (await session.exec(select(Patient))).one().reachable
        assert await audits(sb, "team.alert_chat_lost") == []


async def test_after_the_migration_service_message_the_planned_digest_follows_the_supergroup(
    database_url: str,
) -> None:
    """The digest planned for the old group (key without a chat) used to be dropped and never planned again."""
    async with Sandbox(database_url=database_url, start=START) as sb:
        await setup(sb)
        sb.api.migrate_group(GROUP, SUPERGROUP)
        notice = {"message_id": sb.api.allocate_message_id(GROUP), "date": int(sb.clock().timestamp())}
        notice |= {"chat": sb.api.chats[GROUP], "from": CLINICIAN.as_json(), "migrate_to_chat_id": SUPERGROUP}
        await sb.send(sb.users._update("message", notice))
        assert await alert_chat(sb) == SUPERGROUP
        await sb.run_until(datetime(2026, 10, 6, 6, 1, tzinfo=UTC))
        assert sum(x.startswith("📋") for x in texts(sb, SUPERGROUP)) == 1  # "nothing new": no flag


SECOND = -100901
STRANGER = VirtualUser(3001, "Mallory")


async def test_moving_the_alerts_to_another_group_asks_to_confirm_and_tells_everyone(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        patient = await setup(sb)
        for member in (CLINICIAN.id, COLLEAGUE.id):  # the first group: every member was told at once
            told = [x for x in texts(sb, member) if "now go to the Telegram group “Neuro team”" in x]
            assert len(told) == 1 and "(set by Dr Demo)" in told[0]
        sb.api.add_group(SECOND, "Night shift")
        await sb.send(sb.users.text_in_group(COLLEAGUE, SECOND, "/team_chat"))
        ask = sb.api.last_to(SECOND)
        assert ask is not None and "Move them to this group?" in (ask.text or "")
        assert await alert_chat(sb) == GROUP
        await sb.send(sb.users.press_button(STRANGER, ask, "Move alerts here"))  # not a member: refused
        assert sb.api.callback_answers[-1][1] == "Sorry, only active members of the care team can do this."
        await sb.send(sb.users.press_button(COLLEAGUE, ask, "Cancel"))
        assert "Nothing changed" in (sb.api.messages[(SECOND, ask.message_id)].text or "")
        assert await alert_chat(sb) == GROUP
        await sb.run_for(timedelta(minutes=1))
        quiet = {chat: len(sb.api.sent_to(chat)) for chat in (GROUP, CLINICIAN.id, COLLEAGUE.id)}

        await sb.send(sb.users.text_in_group(COLLEAGUE, SECOND, "/team_chat"))
        ask = sb.api.last_to(SECOND)
        assert ask is not None
        await sb.send(sb.users.press_button(COLLEAGUE, ask, "Move alerts here"))
        assert "this group is now the alert chat" in (sb.api.messages[(SECOND, ask.message_id)].text or "")
        assert await alert_chat(sb) == SECOND
        await sb.run_for(timedelta(minutes=1))
        old = texts(sb, GROUP)[quiet[GROUP] :]
        assert len(old) == 1 and "now gets its alerts in another group, “Night shift” (moved by Dr Second)" in old[0]
        for member in (CLINICIAN.id, COLLEAGUE.id):
            new = texts(sb, member)[quiet[member] :]
            assert len(new) == 1 and "now go to the Telegram group “Night shift” (set by Dr Second)" in new[0]
        changes = [
            (
                a.actor,
                a.outcome,
                (a.detail or {}).get("chat_id"),
                (a.detail or {}).get("from"),
                (a.detail or {}).get("reason"),
            )
            for a in await audits(sb, "team.alert_chat")
        ]
        assert changes == [
            (f"tg:{CLINICIAN.id}", "ok", GROUP, None, None),
            (f"tg:{STRANGER.id}", "refused", None, None, "not_a_member"),
            (f"tg:{COLLEAGUE.id}", "ok", SECOND, GROUP, None),
        ]
        await flag(sb, patient, "e1", Severity.URGENT)
        await sb.run_for(timedelta(minutes=1))
        assert any(x.startswith("🔴 Urgent · patient MK-17") for x in texts(sb, SECOND))
        assert len(texts(sb, GROUP)) == quiet[GROUP] + 1
