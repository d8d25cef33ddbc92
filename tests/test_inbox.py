"""The durable inbox: updates are stored before they are confirmed, processed once, replays change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import col, select

from bot.inbox import drain, receive
from bot.runner import poll_once
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import UpdateFactory, VirtualUser
from storage.models import DoseEvent, InboxUpdate
from tests.helpers import enrol, invite, team_with_member

PAT = VirtualUser(2001, "Pat")
START = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


async def test_polling_stores_then_confirms_then_processes(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        token = await invite(sb, start=date(2026, 2, 2))
        pushed = UpdateFactory(sb.api, start_update_id=500, push=True)  # queued for getUpdates
        pushed.text(PAT, f"/start {token}")
        offset = await poll_once(sb.app, None)
        assert offset == 501
        assert "Do you agree?" in (sb.api.last_to(PAT.id).text or "")
        async with sb.services.sessions() as session:
            row = await session.get(InboxUpdate, 500)
        assert row is not None and row.processed_at is not None
        # the next getUpdates carries offset 501: Telegram forgets 500 only now, after it was stored
        pushed.press_button(PAT, sb.api.last_to(PAT.id), "I agree")
        assert await poll_once(sb.app, offset) == 502
        assert [c.params.get("offset") for c in sb.api.calls if c.method == "getUpdates"] == [None, 501]
        assert "Thank you" in (sb.api.last_to(PAT.id).text or "")


async def test_a_crash_after_storing_loses_no_press_and_replays_change_nothing(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 2, 2)))
        await sb.run_until(datetime(2026, 2, 2, 8, 0, 5, tzinfo=UTC))
        press = sb.users.press_button(PAT, sb.api.last_to(PAT.id), "Taken")
        assert await receive(sb.app, [press]) == [press["update_id"]]  # stored; the process dies here
        await sb.restart()
        assert await drain(sb.app) == 1  # the new process finds it and carries on
        assert await receive(sb.app, [press, press]) == []  # Telegram re-sends it: ignored
        assert await drain(sb.app) == 0
        async with sb.services.sessions() as session:
            doses = (await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).all()
        assert doses[0].status == "taken"
        assert sum(1 for c in sb.api.calls if c.method == "editMessageText") == 1
