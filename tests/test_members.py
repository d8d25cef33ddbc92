"""Members come and go, in Telegram (issue 12): the first member is the team's admin; /members lists the
team; the admin removes a member with Remove → confirm; the removed member is told, and every command or
press of theirs from then on is refused and audited ("removed")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from services import enrolment
from storage.models import AuditEvent, Flag, Patient, TeamMember
from tests.helpers import CLINICIAN, TTL, audit_after, audit_mark, enrol, forbid, invite, snapshot, team_with_member

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
COLLEAGUE = VirtualUser(1002, "Dr Second", username="dr_second")
PATIENT = VirtualUser(2001, "Wilhelmina")
GROUP = -100950
OTHER_GROUP = -100951


async def last(sb: Sandbox, chat: int) -> SentMessage:
    message = sb.api.last_to(chat)
    assert message is not None
    return message


async def setup(sb: Sandbox) -> int:
    """Team with its admin (CLINICIAN, the first member) and COLLEAGUE, a group, a patient with a flag."""
    await team_with_member(sb)
    issued = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL)
    forbid(issued.token)
    await sb.send(sb.users.text(COLLEAGUE, f"/start {issued.token}"))
    sb.api.add_group(GROUP, "Neuro team")
    sb.api.add_group(OTHER_GROUP, "Elsewhere")
    await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
    await enrol(sb, PATIENT, await invite(sb, start=date(2026, 10, 6)))
    async with sb.services.sessions() as session:
        patient = (await session.exec(select(Patient))).one()
        flag = Flag(patient_id=patient.id or 0, kind="worsening", severity="warning", episode="e", summary_key="k")
        flag.raised_at = sb.clock()
        session.add(flag)
        await session.commit()
        return flag.id or 0


async def members(sb: Sandbox) -> dict[int, TeamMember]:
    async with sb.services.sessions() as session:
        return {m.telegram_user_id: m for m in (await session.exec(select(TeamMember))).all()}


async def test_the_admin_removes_a_member_who_is_then_refused_everywhere(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        flag_id = await setup(sb)
        roles = {uid: (m.role, m.username) for uid, m in (await members(sb)).items()}
        assert roles == {CLINICIAN.id: ("admin", None), COLLEAGUE.id: ("clinician", "dr_second")}
        # a member sees the list, without Remove buttons; a forged Remove press of theirs is refused
        await sb.send(sb.users.text(COLLEAGUE, "/members"))
        listing = await last(sb, COLLEAGUE.id)
        assert "• user 1001 · admin · joined 2026-10-05" in (listing.text or "")
        assert "• @dr_second · you · joined 2026-10-05" in (listing.text or "")
        assert sb.users.button_data(listing) == []
        admin_row = (await members(sb))[CLINICIAN.id].id
        await sb.send(sb.users.press(COLLEAGUE, listing, f"m1:rm:{admin_row}"))
        assert sb.api.callback_answers[-1][1] == "Sorry, only an admin of this care team can remove its members."
        # the admin: Remove, Cancel, then Remove and confirm
        await sb.send(sb.users.text(CLINICIAN, "/members"))
        listing = await last(sb, CLINICIAN.id)
        assert [b["text"] for b in sb.users.buttons(listing)] == ["Remove @dr_second (Neuro clinic)"]
        await sb.send(sb.users.press_button(CLINICIAN, listing, "Remove @dr_second"))
        ask = await last(sb, CLINICIAN.id)
        assert "Remove @dr_second from the care team “Neuro clinic”?" in (ask.text or "")
        await sb.send(sb.users.press_button(CLINICIAN, ask, "Cancel"))
        assert "Nothing changed" in (sb.api.messages[(CLINICIAN.id, ask.message_id)].text or "")
        assert (await members(sb))[COLLEAGUE.id].active
        await sb.send(sb.users.press_button(CLINICIAN, listing, "Remove @dr_second"))
        ask = await last(sb, CLINICIAN.id)
        await sb.send(sb.users.press_button(CLINICIAN, ask, "Remove"))
        assert "@dr_second is no longer a member" in (sb.api.messages[(CLINICIAN.id, ask.message_id)].text or "")
        assert not (await members(sb))[COLLEAGUE.id].active
        await sb.run_for(timedelta(minutes=1))
        assert "You are no longer a member of the care team “Neuro clinic”" in (
            (await last(sb, COLLEAGUE.id)).text or ""
        )

        # from now on every command and press of the removed member is refused, changes nothing, is audited
        alert = await last(sb, GROUP)
        tries = [
            ("/patients", None),
            ("/patient MK-17", GROUP),
            (f"/ack {flag_id}", GROUP),
            ("/members", None),
            ("/team_chat", OTHER_GROUP),
            ("/enrol", None),
            (f"f1:{flag_id}:a", GROUP),
            (f"m1:rm:{admin_row}", None),
        ]
        for attempt, chat in tries:
            before, mark = await snapshot(sb), await audit_mark(sb)
            if attempt.startswith("/"):
                await sb.send(sb.users.text(COLLEAGUE, attempt, chat_id=chat))
            else:
                await sb.send(sb.users.press(COLLEAGUE, alert if chat else listing, attempt))
            rows = await audit_after(sb, mark)
            assert await snapshot(sb) == before, attempt
            reasons = [(r.outcome, (r.detail or {}).get("reason")) for r in rows]
            assert reasons == [("refused", "removed")], (attempt, [(r.action, r.detail) for r in rows])
        removal = [a for a in await audit_rows(sb) if a.action == "team.member_remove" and a.outcome == "ok"]
        assert [(a.actor, a.detail) for a in removal] == [(f"tg:{CLINICIAN.id}", {"member": COLLEAGUE.id})]


async def test_the_admin_cannot_remove_themselves_and_a_new_first_member_is_admin(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await setup(sb)
        own = (await members(sb))[CLINICIAN.id].id
        await sb.send(sb.users.text(CLINICIAN, "/members"))
        await sb.send(sb.users.press(CLINICIAN, await last(sb, CLINICIAN.id), f"m1:rm:{own}"))
        assert "You cannot remove yourself" in (sb.api.callback_answers[-1][1] or "")
        assert (await members(sb))[CLINICIAN.id].active


async def audit_rows(sb: Sandbox) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all())
