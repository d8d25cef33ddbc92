"""A helper at home (issue 14), end to end: the patient invites one helper with a one-time link, both
consent, the helper hears of 3 doses in a row unconfirmed and of a reported red flag (never of answers),
in the helper's language; the patient removes the helper, the helper stops, erasure ends the link."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import col, select

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, Flag, HelperLink, Invite, Outbox
from storage.tokens import token_hash
from tests.helpers import enrol, forbid, invite, snapshot, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, BEFORE_RED_FLAGS, answer_all, red_flags

PAT = VirtualUser(2001, "Pat")
SAM = VirtualUser(2002, "Sam")
LUCIA = VirtualUser(4001, "Lucía", language_code="es")
HANK = VirtualUser(4002, "Hank")
HOLLY = VirtualUser(4003, "Holly")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # Monday; daily reminders from Tuesday 6 Oct, 09:00 Berlin
LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]{43})")
MISSED_ES = (
    "La persona a la que usted ayuda con su vitamina B12 (Neuro clinic) no ha confirmado sus últimas 3 dosis. "
    "Quizá quiera preguntarle cómo está.\n\nDejar estos avisos: /stop"
)
RED_FLAG_EN = (
    "The person you help with their vitamin B12 (Neuro clinic) has reported a warning sign to their care team. "
    "You may want to check on them. In an emergency, call the local emergency number.\n\nStop these notices: /stop"
)


def texts(sb: Sandbox, chat: int) -> list[str]:
    return [m.text or "" for m in sb.api.sent_to(chat)]


def last(sb: Sandbox, chat: int) -> SentMessage:
    message = sb.api.last_to(chat)
    assert message is not None
    return message


async def rows(sb: Sandbox, model: Any, *where: Any) -> list[Any]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(model).where(*where).order_by(col(model.id)))).all())


async def helper_link(sb: Sandbox, user: VirtualUser) -> str:
    """/helper, then Create the link: the token of the one-time link the bot gives."""
    await sb.send(sb.users.text(user, "/helper"))
    await sb.send(sb.users.press(user, last(sb, user.id), "h2:y"))
    found = LINK.search(last(sb, user.id).text or "")
    assert found is not None, last(sb, user.id).text
    forbid(found[1])
    return found[1]


async def agree(sb: Sandbox, helper: VirtualUser, token: str) -> tuple[str, list[str]]:
    """Open the link and agree: the consent text and its button labels, as shown."""
    await sb.send(sb.users.text(helper, f"/start {token}"))
    consent = last(sb, helper.id)
    shown = (consent.text or "", [str(b["text"]) for b in sb.users.buttons(consent)])
    await sb.send(sb.users.press(helper, consent, next(d for d in sb.users.button_data(consent) if d.endswith(":y"))))
    return shown


async def test_a_spanish_helper_hears_once_per_run_of_three_unconfirmed_doses(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, PAT, BASELINE_ANSWERS)
        await sb.send(sb.users.text(PAT, "/helper"))
        ask = last(sb, PAT.id)
        assert "I tell them only two things: when you have not confirmed 3 doses in a row" in (ask.text or "")
        assert "They never see your answers" in (ask.text or "") and "/helper remove" in (ask.text or "")
        assert sb.users.button_data(ask) == ["h2:y", "h2:n"]
        await sb.send(sb.users.press_button(PAT, ask, "Create the link"))
        given = last(sb, PAT.id).text or ""
        token = LINK.search(given)[1]  # type: ignore[index]
        forbid(token)
        assert given.startswith("Here is the link for your helper.") and "/stop" in given
        (stored,) = await rows(sb, Invite, col(Invite.kind) == "helper")
        assert stored.token_hash == token_hash(token)  # masked as every invite token
        assert token not in repr(await snapshot(sb, skip=("inbox_update",)))

        consent, labels = await agree(sb, LUCIA, token)
        assert "Un paciente del equipo médico Neuro clinic le pide que sea su ayudante" in consent
        assert "cuando no haya confirmado 3 dosis seguidas" in consent and "No le contaré sus respuestas" in consent
        assert labels == ["Estoy de acuerdo", "No, gracias"]
        assert texts(sb, LUCIA.id)[-1].startswith("Gracias. Solo le escribiré")
        await sb.tick()
        assert texts(sb, PAT.id)[-1].startswith("Your helper agreed. From now on they are told when you have not")
        (link,) = await rows(sb, HelperLink)
        assert (link.status, link.helper_chat_id, link.language) == ("active", LUCIA.id, "es")

        await sb.run_until(datetime(2026, 10, 8, 21, 0, tzinfo=UTC))  # two doses unconfirmed: nothing yet
        assert texts(sb, LUCIA.id)[-1].startswith("Gracias.")
        await sb.run_until(datetime(2026, 10, 9, 6, 0, tzinfo=UTC))  # the third closed at midnight Berlin
        assert texts(sb, LUCIA.id)[-1] == MISSED_ES
        await sb.run_until(datetime(2026, 10, 10, 7, 0, 30, tzinfo=UTC))  # a fourth: the same run, no new notice
        assert texts(sb, LUCIA.id).count(MISSED_ES) == 1
        await sb.send(sb.users.press_button(PAT, last(sb, PAT.id), "Taken"))
        await sb.run_until(datetime(2026, 10, 14, 6, 0, tzinfo=UTC))  # 11, 12, 13 unconfirmed: a new run
        assert texts(sb, LUCIA.id).count(MISSED_ES) == 2
        trail = [(a.action, a.actor, a.detail) for a in await rows(sb, AuditEvent) if a.action.startswith("helper.")]
        assert trail == [
            ("helper.invite", "patient", {"link": link.id}),
            ("helper.open", f"tg:{LUCIA.id}", {"link": link.id}),
            ("helper.agree", f"tg:{LUCIA.id}", {"link": link.id}),
            ("helper.notify", "system", {"link": link.id, "reason": "unconfirmed"}),
            ("helper.notify", "system", {"link": link.id, "reason": "unconfirmed"}),
        ]
        assert sb.api.refusals == 0


async def test_a_helper_hears_of_a_red_flag_without_any_answer_and_a_blocked_helper_ends(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await enrol(sb, SAM, await invite(sb, alias="QX-2", start=date(2026, 10, 6)))
        await agree(sb, HANK, await helper_link(sb, PAT))
        await agree(sb, HOLLY, await helper_link(sb, SAM))
        sb.api.block(HOLLY.id)  # Holly blocked the bot; nobody told it
        await sb.tick()
        await answer_all(sb, PAT, [*BEFORE_RED_FLAGS, *red_flags(0, 1)])  # tendon and weakness: one report
        await answer_all(sb, SAM, [*BEFORE_RED_FLAGS, *red_flags(3)])
        assert len(await rows(sb, Flag, col(Flag.kind) == "red_flag")) == 3
        await sb.tick()
        notices = [x for x in texts(sb, HANK.id) if x.startswith("The person you help")]
        assert notices == [RED_FLAG_EN]  # one per report; no symptom, no answer, no alias
        assert "tendon" not in notices[0].lower() and "MK-17" not in notices[0]
        holly = (await rows(sb, HelperLink, col(HelperLink.helper_chat_id) == HOLLY.id))[0]
        assert holly.status == "blocked"
        failed = await rows(sb, Outbox, col(Outbox.chat_id) == HOLLY.id, col(Outbox.kind) == "helper_notice")
        assert [o.status for o in failed] == ["failed"]
        sb.api.unblock(HOLLY.id)
        await sb.tick()
        assert not any(x.startswith("The person you help") for x in texts(sb, HOLLY.id))


async def test_remove_decline_stop_self_and_erasure(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.send(sb.users.text(PAT, "/helper remove"))
        assert texts(sb, PAT.id)[-1].startswith("You have no helper. To invite one: /helper")

        token = await helper_link(sb, PAT)
        await sb.send(sb.users.text(PAT, f"/start {token}"))  # the patient's own link
        assert (
            texts(sb, PAT.id)[-1]
            == "This link is for your helper: please send it to them. You cannot be your own helper."
        )
        await sb.send(sb.users.text(HANK, f"/start {token}"))
        await sb.send(sb.users.press_button(HANK, last(sb, HANK.id), "No thanks"))
        assert texts(sb, HANK.id)[-1] == "That is fine. I will not send you anything."
        await sb.send(sb.users.text(HOLLY, f"/start {token}"))
        assert texts(sb, HOLLY.id)[-1].startswith("This link has already been used.")
        await sb.tick()
        assert texts(sb, PAT.id)[-1].startswith("The person you invited as your helper said no.")

        await agree(sb, HANK, await helper_link(sb, PAT))
        await sb.send(sb.users.text(PAT, "/helper"))
        assert texts(sb, PAT.id)[-1].startswith("You already have a helper (since Mon 05 Oct")
        await sb.send(sb.users.text(PAT, "/helper remove"))
        assert texts(sb, PAT.id)[-1].startswith("Done. Your helper will not be told anything more.")
        await sb.tick()
        assert texts(sb, HANK.id)[-1].startswith("The person you helped has ended your helper notices.")
        await sb.send(sb.users.text(HANK, "/stop"))  # no longer a helper: the ordinary answer
        assert "open the link your care team gave you" in texts(sb, HANK.id)[-1]

        await agree(sb, HANK, await helper_link(sb, PAT))
        for command in ("/help", "/status", "is she ok?"):
            await sb.send(sb.users.text(HANK, command))
            assert texts(sb, HANK.id)[-1] == "This chat only gives you helper notices. To stop them: /stop"
        await sb.send(sb.users.text(HANK, "/stop"))
        assert texts(sb, HANK.id)[-1] == "Done. You will not get any more helper notices."
        await sb.tick()
        assert texts(sb, PAT.id)[-1].startswith("Your helper stopped their notices.")

        await agree(sb, HOLLY, await helper_link(sb, PAT))
        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        confirm = next(d for d in sb.users.button_data(last(sb, PAT.id)) if d.endswith(":y"))
        await sb.send(sb.users.press(PAT, last(sb, PAT.id), confirm))
        assert not await rows(sb, HelperLink)
        assert all(
            i.expires_at <= sb.clock() or i.used_at for i in await rows(sb, Invite, col(Invite.kind) == "helper")
        )
        await sb.tick()
        assert texts(sb, HOLLY.id)[-1].startswith("The person you helped has ended your helper notices.")
        trail = [a for a in await rows(sb, AuditEvent) if a.action.startswith("helper.")]
        refused = [(a.action, (a.detail or {}).get("reason")) for a in trail if a.outcome == "refused"]
        assert refused == [("helper.open", "helper_self")]
        actions = [a.action for a in trail if a.outcome == "ok"]
        assert actions == [
            "helper.invite", "helper.open", "helper.decline", "helper.invite", "helper.open", "helper.agree",
            "helper.remove", "helper.invite", "helper.open", "helper.agree", "helper.stop", "helper.invite",
            "helper.open", "helper.agree",
        ]  # fmt: skip
        (erased,) = [a for a in await rows(sb, AuditEvent) if a.action == "data.erase"]
        assert (erased.detail or {})["helper_links"] == 4
        assert sb.api.refusals == 0
