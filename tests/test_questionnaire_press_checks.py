"""What a press on a questionnaire checks, now that the press does it in its own work (issue 17), as a dose
reminder's press does (tests/test_press_checks.py): the stranger check is left to the handler (a patient's own
answer needs none) and an open /time question ends in the press's transaction, not in a session of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import t
from services.stranger_guard import STRANGER_LIMIT
from storage.models import AuditEvent, Dialogue, InboxUpdate, Questionnaire
from tests.helpers import enrol, invite, sql_statements, team_with_member
from tests.qhelpers import current_question, tap

PAT = VirtualUser(2001, "Pat")
STRANGER = VirtualUser(3001, "Mallory")
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
# a patient's answer: the store; the questionnaire, its patient and whether a /time question is open in one read;
# the answer; the mark (PostgreSQL: the drain's reads and one SAVEPOINT pair). Before: 7 and 15, with the stranger
# check's SELECT and the /time question's DELETE each in a session of its own (on PostgreSQL a SAVEPOINT pair each),
# the questionnaire and its patient read one after the other
MAX_STATEMENTS = {"sqlite": 4, "postgresql": 8}


async def questions(sb: Sandbox) -> int:
    """The baseline questionnaire's id, its first question on screen."""
    await team_with_member(sb)
    await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
    await sb.tick()
    async with sb.services.sessions() as session:
        q = (await session.exec(select(Questionnaire))).one()
    assert q.id is not None
    return q.id


async def open_questions(sb: Sandbox) -> int:
    async with sb.services.sessions() as session:
        return len((await session.exec(select(Dialogue))).all())


async def test_a_patients_answer_runs_no_stranger_check_and_no_session_of_its_own(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await questions(sb)
        await tap(sb, PAT, "6")
        with sql_statements(sb.services.engine.sync_engine) as seen:
            await tap(sb, PAT, "5")
        assert not [s for s in seen if s.startswith("SELECT") and "FROM patient WHERE patient.chat_id" in s], seen
        assert len(seen) <= MAX_STATEMENTS[sb.services.engine.dialect.name], seen
        assert "Your answer: 5" in (current_question(sb, PAT).text or "")


async def test_a_questionnaire_button_ends_an_open_time_question_whatever_the_press_does(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        qid = await questions(sb)
        question = current_question(sb, PAT)
        for data in (f"q1:{qid}:0:6", f"q1:{qid}:0:6", f"q1:{qid + 1000}:0:6", "q1:x:y:z"):  # answered; old; no such
            await sb.send(sb.users.text(PAT, "/time"))  # questionnaire (not yours); malformed
            assert await open_questions(sb) == 1
            await sb.send(sb.users.press(PAT, question, data))
            assert await open_questions(sb) == 0, data
        assert "Your answer: 6" in (current_question(sb, PAT).text or "")


async def test_a_strangers_presses_on_a_questionnaire_are_refused_then_limited(database_url: str) -> None:
    """STRANGER_LIMIT presses an hour are answered "not yours" (or stale, malformed) and audited; past it, no
    answer, no audit row but one, and the inbox keeps nothing of them: as for any other update of a stranger."""
    async with Sandbox(database_url=database_url, start=START) as sb:
        qid = await questions(sb)
        await sb.send(sb.users.text(STRANGER, "/start"))  # the first of the stranger's updates this hour
        own = sb.api.last_to(STRANGER.id)  # a message in the stranger's own chat, to forge buttons on
        assert own is not None
        mark = len(sb.api.callback_answers)
        presses = [sb.users.press(STRANGER, own, f"q1:{qid}:0:6") for _ in range(STRANGER_LIMIT - 2)]
        presses += [sb.users.press(STRANGER, own, "q1:x:y:z")]
        presses += [sb.users.press(STRANGER, own, f"q1:{qid}:0:{code}") for code in "6543"]  # over the limit
        for press in presses:
            await sb.send(press)
        answers = [a[1] for a in sb.api.callback_answers[mark:]]
        assert answers == [t("press_not_yours")] * (STRANGER_LIMIT - 2) + [t("press_stale")]
        await tap(sb, PAT, "6")  # the patient is not limited
        async with sb.services.sessions() as session:
            rows = (
                await session.exec(select(AuditEvent).where(col(AuditEvent.actor).contains(str(STRANGER.id))))
            ).all()
            kept = [(await session.get(InboxUpdate, p["update_id"])) for p in presses[STRANGER_LIMIT - 1 :]]
        refused = [r.detail["reason"] for r in rows if r.action != "updates.limited" and r.detail]
        assert sorted(refused) == sorted(["not_yours"] * (STRANGER_LIMIT - 2) + ["malformed"])
        assert [r.detail for r in rows if r.action == "updates.limited"] == [
            {"reason": "stranger_limit", "limit": STRANGER_LIMIT}
        ]
        assert len(kept) == 4
        assert all(row is not None and row.payload == {"limited": True} and row.processed_at for row in kept)
        assert "Your answer: 6" in (current_question(sb, PAT).text or "")
