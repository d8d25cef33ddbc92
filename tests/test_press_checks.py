"""What a press on a dose reminder checks, now that the press does it in its own work (issue 17): the stranger
check (bot/inbox.py leaves it to the handler: a patient's own press needs none) and the end of an open /time
question (every other button ends it; a reminder's button ends it in the press's transaction)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import t
from services.stranger_guard import STRANGER_LIMIT
from storage.models import AuditEvent, Dialogue, DoseEvent, InboxUpdate, Outbox
from tests.helpers import enrol, invite, team_with_member

PAT = VirtualUser(2001, "Pat")
STRANGER = VirtualUser(3001, "Mallory")
START = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


async def reminded(sb: Sandbox) -> int:
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 2, 2)))
    await sb.run_until(datetime(2026, 2, 2, 8, 0, 5, tzinfo=UTC))
    async with sb.services.sessions() as session:
        dose = (await session.exec(select(DoseEvent).order_by(col(DoseEvent.due_at)))).first()
    assert dose is not None and dose.id is not None and dose.status == "sent"
    return dose.id


async def open_questions(sb: Sandbox) -> int:
    async with sb.services.sessions() as session:
        return len((await session.exec(select(Dialogue))).all())


@pytest.mark.parametrize("action", ["t", "k"])
async def test_a_taken_or_skipped_dose_is_not_nudged(database_url: str, action: str) -> None:
    """The press drops its dose's waiting nudge in its own transaction (agenda.drop_key, a statement built once:
    issue 17): the row stays, 'dropped' for 'answered', and the patient never gets the gentle reminder."""
    async with Sandbox(database_url=database_url, start=START) as sb:
        dose_id = await reminded(sb)
        nudge_key = f"dose:{dose_id}:nudge"
        async with sb.services.sessions() as session:
            nudge = (await session.exec(select(Outbox).where(Outbox.dedupe_key == nudge_key))).one()
        assert nudge.status == "pending"
        await sb.send(sb.users.press(PAT, sb.api.last_to(PAT.id), f"d1:{dose_id}:{action}"))
        assert sb.api.callback_answers[-1][1] == t("press_recorded")
        async with sb.services.sessions() as session:
            rows = {row.dedupe_key: row for row in (await session.exec(select(Outbox))).all()}
        assert (rows[nudge_key].status, rows[nudge_key].error) == ("dropped", "answered")
        await sb.run_until(datetime(2026, 2, 2, 11, 0, tzinfo=UTC) + timedelta(minutes=5))
        assert not [m for m in sb.api.sent_to(PAT.id) if "gentle reminder" in (m.text or "")]


async def test_a_reminder_button_ends_an_open_time_question_whatever_the_press_does(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        dose_id = await reminded(sb)
        reminder = sb.api.last_to(PAT.id)
        assert reminder is not None
        # recorded, and the question ends in the same transaction; then already answered: nothing recorded, and
        # the question ends all the same
        for answer in (t("press_recorded"), t("press_already", answer=t("status_answer_taken"))):
            await sb.send(sb.users.text(PAT, "/time"))
            assert await open_questions(sb) == 1
            await sb.send(sb.users.press(PAT, reminder, f"d1:{dose_id}:t"))
            assert sb.api.callback_answers[-1][1] == answer
            assert await open_questions(sb) == 0
            async with sb.services.sessions() as session:
                dose = await session.get(DoseEvent, dose_id)
            assert dose is not None and dose.status == "taken"
        for forged in (f"d1:{dose_id + 1000}:t", "d1:x:y", f"d1:{dose_id}:e"):  # no such dose; malformed; details
            await sb.send(sb.users.text(PAT, "/time"))
            await sb.send(sb.users.press(PAT, reminder, forged))
            assert await open_questions(sb) == 0, forged
        await sb.send(sb.users.text(PAT, "8:30"))  # not taken as a reminder time: no question is open
        assert "08:30" not in (sb.api.last_to(PAT.id).text or "")


async def test_a_strangers_presses_on_a_reminder_are_refused_then_limited(database_url: str) -> None:
    """STRANGER_LIMIT presses an hour are answered "not yours" and audited; past it, no answer, no audit row but
    one, and the inbox keeps nothing of them: as for any other update of a stranger."""
    async with Sandbox(database_url=database_url, start=START) as sb:
        dose_id = await reminded(sb)
        reminder = sb.api.last_to(PAT.id)
        await sb.send(sb.users.text(STRANGER, "/start"))  # the first of the stranger's updates this hour
        own = sb.api.last_to(STRANGER.id)  # a message in the stranger's own chat, to forge buttons on
        assert reminder is not None and own is not None
        mark = len(sb.api.callback_answers)
        presses = [sb.users.press(STRANGER, own, f"d1:{dose_id}:t") for _ in range(STRANGER_LIMIT - 3)]
        presses += [sb.users.press(STRANGER, own, data) for data in ("d1:x:y", f"d1:{dose_id}:e")]
        presses += [sb.users.press(STRANGER, own, f"d1:{dose_id}:{a}") for a in "tksttt"]  # over the limit
        for press in presses:
            await sb.send(press)
        answers = [a[1] for a in sb.api.callback_answers[mark:]]
        assert answers == [t("press_not_yours")] * (STRANGER_LIMIT - 3) + [t("press_stale"), t("press_not_yours")]
        await sb.send(sb.users.press_button(PAT, reminder, "Taken"))  # the patient is not limited
        async with sb.services.sessions() as session:
            rows = (
                await session.exec(select(AuditEvent).where(col(AuditEvent.actor).contains(str(STRANGER.id))))
            ).all()
            dose = await session.get(DoseEvent, dose_id)
            kept = [(await session.get(InboxUpdate, p["update_id"])) for p in presses[STRANGER_LIMIT - 1 :]]
        refused = [r.detail["reason"] for r in rows if r.action != "updates.limited" and r.detail]
        assert sorted(refused) == sorted(["not_yours"] * (STRANGER_LIMIT - 3) + ["malformed"])
        assert [r.detail for r in rows if r.action == "updates.limited"] == [
            {"reason": "stranger_limit", "limit": STRANGER_LIMIT}
        ]
        assert len(kept) == 6
        assert all(row is not None and row.payload == {"limited": True} and row.processed_at for row in kept)
        assert dose is not None and dose.status == "taken"
        assert sb.api.callback_answers[-1][1] == t("press_recorded")
