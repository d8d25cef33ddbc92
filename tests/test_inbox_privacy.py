"""What the inbox keeps of Telegram updates (issue 12), through the real Application on the stand-in.

Only the update kinds the bot handles are asked for and stored; `/start` tokens are never stored; a handled
update keeps no text; erasure blanks the person's updates by chat, by sender and wherever they are named;
handled rows are deleted after the retention period; strangers are limited per sender.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from sqlmodel import col, select
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler

from bot.inbox import receive
from bot.polling import poll_once
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import UpdateFactory, VirtualUser
from bot.settings import Settings
from bot.texts import t
from bot.web import set_webhook
from schedules.retention import prune
from services import enrolment
from services.stranger_guard import STRANGER_LIMIT
from storage.models import AuditEvent, Dialogue, InboxUpdate
from storage.tokens import token_hash
from storage.updates import ALLOWED_UPDATES, mentions
from tests.helpers import CLINICIAN, TTL, enrol, forbid, invite, team_with_member

PAT = VirtualUser(2001, "Pattern", username="pat_q7x")
START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
GROUP = -4001
WEBHOOK_SECRET = "s" * 40


async def payloads(sb: Sandbox) -> list[str]:
    async with sb.services.sessions() as session:
        rows = (await session.exec(select(InboxUpdate).order_by(col(InboxUpdate.update_id)))).all()
    return [json.dumps(r.payload, ensure_ascii=False) for r in rows]


def mentioning(texts: list[str], *needles: str) -> list[str]:
    return [p for p in texts if any(n in p for n in needles)]


def allowed_param(sb: Sandbox, method: str) -> list[str]:
    call = next(c for c in reversed(sb.api.calls) if c.method == method)
    value: Any = call.params["allowed_updates"]
    return list(json.loads(value) if isinstance(value, str) else value)


def handled_kinds(sb: Sandbox) -> set[str]:
    kinds = set()
    for handlers in sb.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler | MessageHandler):
                kinds.add("message")
            elif isinstance(handler, CallbackQueryHandler):
                kinds.add("callback_query")
            elif isinstance(handler, ChatMemberHandler):
                assert handler.chat_member_types == ChatMemberHandler.MY_CHAT_MEMBER
                kinds.add("my_chat_member")
            else:
                raise AssertionError(f"a handler of an unexpected kind: {handler!r}")
    return kinds


async def test_only_the_kinds_the_bot_handles_are_asked_for_and_stored(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        assert set(ALLOWED_UPDATES) == handled_kinds(sb)
        await poll_once(sb.app, None)
        assert allowed_param(sb, "getUpdates") == list(ALLOWED_UPDATES)
        sb.services.settings = sb.settings.model_copy(
            update={"webhook_url": "https://bot.example/telegram", "webhook_secret": SecretStr(WEBHOOK_SECRET)}
        )
        await set_webhook(sb.app)
        assert allowed_param(sb, "setWebhook") == list(ALLOWED_UPDATES)
        # a reaction (or an edited message) that arrives anyway, e.g. from an older webhook setting
        reaction = {
            "update_id": 90,
            "message_reaction": {
                "chat": {"id": PAT.id, "type": "private", "first_name": PAT.first_name, "username": PAT.username},
                "message_id": 3,
                "user": PAT.as_json(),
                "date": int(START.timestamp()),
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        }
        edited = {"update_id": 91, "edited_message": {**sb.users.text(PAT, "/stop")["message"], "edit_date": 1}}
        await sb.send(reaction, edited)
        assert await payloads(sb) == [
            json.dumps({"update_id": 90, "ignored": "message_reaction"}),
            json.dumps({"update_id": 91, "ignored": "edited_message"}),
        ]
        assert sb.api.sent_to(PAT.id) == []


async def test_start_tokens_are_never_stored_and_a_member_may_open_a_join_link_again(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)  # CLINICIAN joined with a join link
        again = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=START, ttl=TTL)
        forbid(again.token)
        await sb.send(sb.users.text(CLINICIAN, f"/start {again.token}"))  # crashed with MissingGreenlet
        again_text = sb.api.last_to(CLINICIAN.id).text or ""  # type: ignore[union-attr]
        assert again_text.startswith(t("member_already", team="Neuro clinic") + "\n\nCare team commands")
        token = await invite(sb, start=date(2026, 11, 3))
        waiting = UpdateFactory(sb.api, start_update_id=500).text(PAT, f"/start {token}")
        await receive(sb.app, [waiting])  # stored, not handled yet: the token's hash stands in its place
        stored = await payloads(sb)
        assert mentioning(stored, token, again.token) == []
        assert f'"/start ~{token_hash(token)}"' in stored[-1]
        await sb.send()  # handled from the stored hash
        assert "Do you agree?" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "I agree"))  # type: ignore[arg-type]
        stored = await payloads(sb)
        assert mentioning(stored, token, again.token, token_hash(token)) == []
        started = next(json.loads(p) for p in stored if json.loads(p)["update_id"] == 500)
        assert started["message"]["text"] == "/start"  # handled: the command word only
        # typing a token's hash opens nothing
        await sb.send(sb.users.text(VirtualUser(2002, "Other"), f"/start ~{token_hash(token)}"))
        assert sb.api.last_to(2002).text == t("link_unknown")  # type: ignore[union-attr]


async def test_a_handled_update_keeps_no_text_enrol_answers_included(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        forbid("ZQ-93", "ZQ-94")
        for text in ("/enrol", "ZQ-93"):
            await sb.send(sb.users.text(CLINICIAN, text))
        for label in ("oral-high", "Yes", "Tomorrow", "Europe/Berlin", "09:00"):
            await sb.send(sb.users.press_button(CLINICIAN, sb.api.last_to(CLINICIAN.id), label))  # type: ignore[arg-type]
        await sb.send(sb.users.text(CLINICIAN, "180 ng/L 2026-10-20"))
        await sb.send(sb.users.press_button(CLINICIAN, sb.api.last_to(CLINICIAN.id), "Confirm"))  # type: ignore[arg-type]
        assert "Invite for ZQ-93 is ready" in (sb.api.sent_to(CLINICIAN.id)[-2].text or "")
        await sb.send(sb.users.text(CLINICIAN, "/patient ZQ-93"))
        stored = await payloads(sb)
        assert mentioning(stored, "ZQ-93", "180 ng/L", "Baseline B12", "Alias:") == []
        assert any('"text": "/patient"' in p for p in stored)
        # an /enrol left half way: its answers go when it ends (30 minutes idle), its row after a day
        for text in ("/enrol", "ZQ-94"):
            await sb.send(sb.users.text(CLINICIAN, text))
        await sb.run_for(timedelta(minutes=20))
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Dialogue))).one().data["alias"] == "ZQ-94"
        await sb.run_for(timedelta(hours=1, minutes=15))
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Dialogue))).one().data == {}
        await sb.run_for(timedelta(days=1))
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Dialogue))).all() == []


async def test_erasure_blanks_the_persons_updates_by_sender_and_where_they_are_named(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 11, 3)))
        sb.api.add_group(GROUP, "Chat of the neuropathy support group")
        said = sb.users.text_in_group(PAT, GROUP, "hello all")  # Pat in a group the bot is in
        reply = sb.users.text_in_group(CLINICIAN, GROUP, "hello Pattern")
        reply["message"]["reply_to_message"] = said["message"]  # a reply quotes Pat, name and all
        await sb.send(said, reply)
        assert len(mentioning(await payloads(sb), '"Pattern"', "pat_q7x")) >= 4
        await sb.send(sb.users.text(PAT, "/delete_my_data"))
        await sb.send(sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Delete my data"))  # type: ignore[arg-type]
        assert "Your data has been deleted" in (sb.api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        stored = await payloads(sb)
        assert mentioning(stored, '"Pattern"', "pat_q7x") == []
        assert mentioning(stored, '"Dr Demo"')  # other people's updates stay as they were
        async with sb.services.sessions() as session:
            rows = (await session.exec(select(InboxUpdate))).all()
        assert [r.update_id for r in rows if mentions(r.payload, {PAT.id}) or PAT.id in (r.chat_id, r.user_id)] == []


async def test_handled_updates_are_deleted_after_the_retention_period(sqlite_url: str) -> None:
    assert Settings().b12bot_inbox_retention_days == 30
    with pytest.raises(ValidationError):
        Settings(b12bot_inbox_retention_days=0)
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        for n in range(3):
            await sb.send(sb.users.text(PAT, f"hello {n}"))
        handled = len(await payloads(sb))
        await sb.run_for(timedelta(days=29, hours=23))
        assert len(await payloads(sb)) == handled
        await sb.run_for(timedelta(days=1, hours=2))
        assert await payloads(sb) == []
        # a row not handled yet is never deleted, however old
        await receive(sb.app, [UpdateFactory(sb.api, start_update_id=900).text(PAT, "/status")])
        await prune(sb.services.sessions, now=sb.clock() + timedelta(days=400), inbox_days=30)
        assert len(await payloads(sb)) == 1


async def test_strangers_are_limited_per_sender(sqlite_url: str) -> None:
    """450 updates from 3 strangers: each gets STRANGER_LIMIT handled an hour; the rest keep nothing."""
    strangers = [VirtualUser(3001 + n, f"Stranger{n}") for n in range(3)]
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await invite(sb, start=date(2026, 11, 3))
        for user in strangers:
            sb.api.add_private_chat(user.as_json())
        for n in range(150):
            for user in strangers:
                text = f"/start {'A' * 42}{n % 10}" if n % 2 else f"hello {n}"
                await sb.send(sb.users.text(user, text))
            sb.clock.advance(timedelta(seconds=5))
        async with sb.services.sessions() as session:
            audit_rows = (await session.exec(select(AuditEvent).where(col(AuditEvent.actor) != "cli"))).all()
            rows = (await session.exec(select(InboxUpdate).where(col(InboxUpdate.user_id) > 3000))).all()
        assert [len(sb.api.sent_to(u.id)) for u in strangers] == [STRANGER_LIMIT] * 3
        limited = [r for r in audit_rows if r.action == "updates.limited"]
        assert sorted(r.actor for r in limited) == [f"tg:{u.id}" for u in strangers]
        assert len([r for r in audit_rows if str(r.actor).startswith("tg:300")]) <= 3 * (STRANGER_LIMIT // 2 + 2)
        assert len(rows) == 450 and sum(1 for r in rows if r.payload == {"limited": True}) == 3 * (150 - STRANGER_LIMIT)
        # an hour later each may try again (a person who mistyped a link is not shut out for good)
        sb.clock.advance(timedelta(hours=1))
        await sb.send(sb.users.text(strangers[0], "/start"))
        assert len(sb.api.sent_to(strangers[0].id)) == STRANGER_LIMIT + 1
        # a burst stored at once (one getUpdates): the first STRANGER_LIMIT of it are handled
        burst = VirtualUser(3009, "Burst")
        sb.api.add_private_chat(burst.as_json())
        await sb.send(*[sb.users.text(burst, f"hi {n}") for n in range(STRANGER_LIMIT + 10)])
        assert len(sb.api.sent_to(burst.id)) == STRANGER_LIMIT
