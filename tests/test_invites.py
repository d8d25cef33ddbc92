"""One-time links and the consent question, end to end through the real Application on the Bot API stand-in.

Every refusal: the exact text the person sees, no change to the state, and the audit row the code writes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import t
from services import enrolment
from storage.models import AuditEvent, Invite, Patient, TeamMember
from tests.helpers import CLINICIAN, TTL, enrol, invite

PATIENT = VirtualUser(2001, "Pat")
OTHER = VirtualUser(2002, "Other")
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
START = date(2026, 5, 2)


async def state(sb: Sandbox) -> dict[str, Any]:
    """Everything a link or consent could change (audit aside)."""
    async with sb.services.sessions() as session:
        members = (await session.exec(select(TeamMember).order_by(col(TeamMember.id)))).all()
        patients = (await session.exec(select(Patient).order_by(col(Patient.id)))).all()
        invites = (await session.exec(select(Invite).order_by(col(Invite.id)))).all()
    return {
        "members": [(m.team_id, m.telegram_user_id, m.active) for m in members],
        "patients": [(p.alias, p.status, p.chat_id, p.consented_at) for p in patients],
        "invites": [(i.kind, i.opened_chat_id, i.used_at, i.outcome) for i in invites],
    }


async def audit(sb: Sandbox, *, after: int = 0) -> list[AuditEvent]:
    async with sb.services.sessions() as session:
        query = select(AuditEvent).where(col(AuditEvent.id) > after).order_by(col(AuditEvent.id))
        return list((await session.exec(query)).all())


async def last_audit_id(sb: Sandbox) -> int:
    events = await audit(sb)
    return (events[-1].id or 0) if events else 0


async def new_team(sb: Sandbox) -> str:
    """A team and its join token; no member yet."""
    issued = await enrolment.create_team(
        sb.services.sessions,
        name="Neuro clinic",
        timezone="Europe/Berlin",
        digest_time=time(8),
        now=sb.clock(),
        ttl=TTL,
    )
    return issued.token


async def new_team_link(sb: Sandbox) -> str:
    issued = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL)
    return issued.token


async def open_link(sb: Sandbox, user: VirtualUser, payload: str) -> str:
    await sb.send(sb.users.text(user, f"/start {payload}"))
    reply = sb.api.last_to(user.id)
    assert reply is not None
    return reply.text or ""


def refusal(event: AuditEvent, action: str, reason: str, actor: str) -> None:
    assert (event.action, event.outcome, event.actor, event.detail) == (action, "refused", actor, {"reason": reason})


# -- used -----------------------------------------------------------------------------------------


async def test_join_link_works_once(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        token = await new_team(sb)
        joined = await open_link(sb, CLINICIAN, token)
        assert joined.startswith(t("member_joined", team="Neuro clinic") + "\n\nCare team commands (Neuro clinic):")
        before, mark = await state(sb), await last_audit_id(sb)

        assert await open_link(sb, OTHER, token) == t("link_used")
        assert await open_link(sb, CLINICIAN, token) == t("link_used")

        assert await state(sb) == before
        assert len(before["members"]) == 1
        events = await audit(sb, after=mark)
        assert len(events) == 2
        refusal(events[0], "link.open", "used", f"tg:{OTHER.id}")
        refusal(events[1], "link.open", "used", f"tg:{CLINICIAN.id}")


async def test_patient_link_works_once(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        token = await invite(sb, start=START)
        await enrol(sb, PATIENT, token)
        before, mark = await state(sb), await last_audit_id(sb)
        assert before["patients"][0][:3] == ("MK-17", "active", PATIENT.id)

        assert await open_link(sb, PATIENT, token) == t("link_used")
        assert await open_link(sb, OTHER, token) == t("link_used")

        assert await state(sb) == before
        events = await audit(sb, after=mark)
        assert len(events) == 2
        refusal(events[0], "link.open", "used", f"tg:{PATIENT.id}")
        refusal(events[1], "link.open", "used", f"tg:{OTHER.id}")


# -- expired --------------------------------------------------------------------------------------


async def test_links_expire_after_the_ttl(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        join_token = await new_team(sb)
        late_member = await new_team_link(sb)
        await open_link(sb, CLINICIAN, join_token)
        opened_in_time = await invite(sb, alias="MK-17", start=START)
        never_opened = await invite(sb, alias="MK-18", start=START)

        # one minute before the end of the 14 days, a link still works
        sb.clock.advance(TTL - timedelta(minutes=1))
        assert "Do you agree?" in await open_link(sb, PATIENT, opened_in_time)
        consent = sb.api.last_to(PATIENT.id)
        assert consent is not None
        before, mark = await state(sb), await last_audit_id(sb)

        sb.clock.advance(timedelta(minutes=1, seconds=1))
        assert await open_link(sb, OTHER, never_opened) == t("link_expired")
        assert await open_link(sb, VirtualUser(1002, "Dr Late"), late_member) == t("link_expired")
        # the consent question shown in time can no longer be answered either
        await sb.send(sb.users.press_button(PATIENT, consent, "I agree"))
        assert sb.api.callback_answers[-1][1] == t("consent_gone")
        assert await open_link(sb, PATIENT, opened_in_time) == t("link_expired")

        after = await state(sb)
        assert after == before
        assert [p[1:3] for p in after["patients"]] == [("invited", None), ("invited", None)]
        assert len(after["members"]) == 1
        events = await audit(sb, after=mark)
        assert len(events) == 4
        refusal(events[0], "link.open", "expired", f"tg:{OTHER.id}")
        refusal(events[1], "link.open", "expired", "tg:1002")
        refusal(events[2], "consent", "gone", f"tg:{PATIENT.id}")  # the late consent press
        refusal(events[3], "link.open", "expired", f"tg:{PATIENT.id}")


# -- unknown and malformed payloads ---------------------------------------------------------------


def _altered(token: str) -> str:
    return ("B" if token[0] == "A" else "A") + token[1:]


PAYLOADS: list[tuple[str, Any]] = [
    ("path", lambda token: "../../etc"),
    ("64 x A", lambda token: "A" * 64),
    ("43 x A, the right shape", lambda token: "A" * 43),
    ("43 x -", lambda token: "-" * 43),
    ("zero-width space", lambda token: "\u200b"),
    ("percent-encoded NUL", lambda token: "%00"),
    ("one character changed", _altered),
    ("one character more", lambda token: token + "A"),
    ("one character less", lambda token: token[:-1]),
    ("upper case", lambda token: token.upper()),
    ("token hash", lambda token: __import__("hashlib").sha256(token.encode()).hexdigest()),
]


async def test_unknown_and_malformed_payloads_are_not_valid(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        token = await invite(sb, start=START)
        before, mark = await state(sb), await last_audit_id(sb)
        for label, make in PAYLOADS:
            payload = make(token)
            assert payload != token
            assert await open_link(sb, PATIENT, payload) == t("link_unknown"), label
            events = await audit(sb, after=mark)
            assert len(events) == 1, label
            refusal(events[0], "link.open", "unknown", f"tg:{PATIENT.id}")
            mark = events[0].id or 0
            assert await state(sb) == before, label
        # the real link still works afterwards
        assert "Do you agree?" in await open_link(sb, PATIENT, token)


async def test_start_with_an_empty_payload_is_a_plain_start(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        await invite(sb, start=START)
        before, mark = await state(sb), await last_audit_id(sb)
        for text in ("/start", "/start    ", "/start \u00a0"):
            await sb.send(sb.users.text(PATIENT, text))
            assert (sb.api.last_to(PATIENT.id).text or "") == t("not_enrolled"), repr(text)
        assert await state(sb) == before
        assert await audit(sb, after=mark) == []


# -- another chat, another person's button ---------------------------------------------------------


async def test_link_opened_by_another_chat_is_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        token = await invite(sb, start=START)
        assert "Do you agree?" in await open_link(sb, PATIENT, token)
        before, mark = await state(sb), await last_audit_id(sb)
        assert before["invites"][-1][:2] == ("patient", PATIENT.id)

        assert await open_link(sb, OTHER, token) == t("link_other_chat")

        assert await state(sb) == before
        events = await audit(sb, after=mark)
        assert len(events) == 1
        refusal(events[0], "link.open", "other_chat", f"tg:{OTHER.id}")
        # the person it was opened by can still answer
        await sb.send(sb.users.press_button(PATIENT, sb.api.last_to(PATIENT.id), "I agree"))
        assert (await state(sb))["patients"][0][:3] == ("MK-17", "active", PATIENT.id)


async def test_consent_pressed_by_someone_else_is_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        token = await invite(sb, start=START)
        await open_link(sb, PATIENT, token)
        consent = sb.api.last_to(PATIENT.id)
        assert consent is not None
        before, mark = await state(sb), await last_audit_id(sb)

        for label in ("I agree", "No thanks"):
            await sb.send(sb.users.press_button(OTHER, consent, label))
            assert sb.api.callback_answers[-1][1] == t("press_not_yours"), label

        assert await state(sb) == before
        assert sb.api.sent_to(OTHER.id) == []
        assert sb.api.messages[(PATIENT.id, consent.message_id)].reply_markup is not None  # buttons untouched
        events = await audit(sb, after=mark)
        assert len(events) == 2
        for event in events:
            refusal(event, "consent", "not_yours", f"chat:{OTHER.id}")
            assert event.subject == "patient:1"


FORGED_MALFORMED = ["c1:abc:y", "c1:1", "c1:-1:y", "c1:1:x", "c1:1:y:extra", "c1::y", "c1: 1:y"]


async def test_forged_consent_callbacks_are_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        token = await invite(sb, start=START)
        await open_link(sb, PATIENT, token)
        consent = sb.api.last_to(PATIENT.id)
        assert consent is not None
        before, mark = await state(sb), await last_audit_id(sb)
        async with sb.services.sessions() as session:
            member_invite = (await session.exec(select(Invite).where(col(Invite.kind) == "member"))).one()

        # well-formed, but no patient invite behind it: "gone", refused and audited
        for data in ("c1:999:y", f"c1:{member_invite.id}:y"):
            await sb.send(sb.users.press(PATIENT, consent, data))
            assert sb.api.callback_answers[-1][1] == t("consent_gone"), data
        for event in await audit(sb, after=mark):
            refusal(event, "consent", "gone", f"tg:{PATIENT.id}")
        mark = await last_audit_id(sb)

        # malformed: refused as a stale button and audited
        for data in FORGED_MALFORMED:
            await sb.send(sb.users.press(PATIENT, consent, data))
            assert sb.api.callback_answers[-1][1] == t("press_stale"), data
        events = await audit(sb, after=mark)
        assert len(events) == len(FORGED_MALFORMED)
        for event in events:
            refusal(event, "consent", "malformed", f"tg:{PATIENT.id}")
        # without the "c1:" prefix it is no consent button at all: the catch-all refuses and audits it
        await sb.send(sb.users.press(PATIENT, consent, "c1"))
        assert sb.api.callback_answers[-1][1] == t("press_stale")
        events = await audit(sb, after=mark)
        assert len(events) == len(FORGED_MALFORMED) + 1
        refusal(events[-1], "press", "unknown", f"tg:{PATIENT.id}")

        assert await state(sb) == before
        assert sb.api.messages[(PATIENT.id, consent.message_id)].reply_markup is not None


# Regression: at 28b295f the id was checked with str.isdigit() ('²' passed, then int() raised) and ids beyond
# the INTEGER column reached the database driver, which raised: the handler crashed, unanswered and unaudited.
FORGED_IDS = ["c1:²:y", "c1:٣:y", "c1:0:y", f"c1:{2**31}:y", f"c1:{2**64}:y"]


async def test_forged_consent_ids_that_are_not_plain_numbers_are_refused(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        await open_link(sb, PATIENT, await invite(sb, start=START))
        consent = sb.api.last_to(PATIENT.id)
        assert consent is not None
        before, mark = await state(sb), await last_audit_id(sb)
        for n, data in enumerate(FORGED_IDS, start=1):
            await sb.send(sb.users.press(PATIENT, consent, data))
            assert len(sb.api.callback_answers) == n, data  # answered, not crashed
            assert sb.api.callback_answers[-1][1] == t("press_stale"), data
            events = await audit(sb, after=mark)
            assert len(events) == 1, data
            refusal(events[0], "consent", "malformed", f"tg:{PATIENT.id}")
            mark = events[0].id or 0
            assert await state(sb) == before, data


# -- one chat, one enrolment ----------------------------------------------------------------------


async def test_patient_cannot_enrol_twice_from_the_same_chat(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        first = await invite(sb, alias="MK-17", start=START)
        opened_before = await invite(sb, alias="MK-18", start=START)
        opened_after = await invite(sb, alias="MK-19", start=START)

        # two consent questions open at once; agree to the first
        assert "Do you agree?" in await open_link(sb, PATIENT, opened_before)
        second_consent = sb.api.last_to(PATIENT.id)
        assert second_consent is not None
        await enrol(sb, PATIENT, first)
        before, mark = await state(sb), await last_audit_id(sb)
        assert [p[:3] for p in before["patients"]] == [
            ("MK-17", "active", PATIENT.id),
            ("MK-18", "invited", None),
            ("MK-19", "invited", None),
        ]

        # agreeing to the second question: refused
        await sb.send(sb.users.press_button(PATIENT, second_consent, "I agree"))
        assert (sb.api.last_to(PATIENT.id).text or "") == t("already_enrolled")
        # opening a third link: refused before the consent question
        assert await open_link(sb, PATIENT, opened_after) == t("already_enrolled")

        after = await state(sb)
        assert after["patients"] == before["patients"]
        assert after["members"] == before["members"]
        # the second invite stays unused (it was opened in this chat before); the third was not opened
        assert after["invites"][2] == before["invites"][2] == ("patient", PATIENT.id, None, None)
        assert after["invites"][3] == before["invites"][3] == ("patient", None, None, None)
        events = await audit(sb, after=mark)
        assert len(events) == 1  # the refused consent press writes no audit row; the refused open does
        refusal(events[0], "link.open", "already_enrolled", f"tg:{PATIENT.id}")


# Regression: a stopped patient given a new link was told 'already enrolled' after agreeing.
async def test_stopped_patient_with_a_new_link_gets_a_consistent_answer(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=NOW) as sb:
        await open_link(sb, CLINICIAN, await new_team(sb))
        await enrol(sb, PATIENT, await invite(sb, alias="MK-17", start=START))
        await sb.send(sb.users.text(PATIENT, "/stop"))
        await sb.send(sb.users.press_button(PATIENT, sb.api.last_to(PATIENT.id), "Yes, stop"))
        assert (await state(sb))["patients"][0][:3] == ("MK-17", "stopped", PATIENT.id)

        opened = await open_link(sb, PATIENT, await invite(sb, alias="MK-18", start=START))
        assert "Do you agree?" in opened
        # agreeing enrols the patient again; the old record stays, no longer linked to the chat
        await sb.send(sb.users.press_button(PATIENT, sb.api.last_to(PATIENT.id), "I agree"))
        assert (sb.api.last_to(PATIENT.id).text or "") != t("already_enrolled")
        assert ("active", PATIENT.id) in [p[1:3] for p in (await state(sb))["patients"]]
        assert ("MK-17", "stopped", None) in [p[:3] for p in (await state(sb))["patients"]]
