"""Any sequence of presses, restarts, replays and expiry leaves a consistent questionnaire."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from care.instruments import applicable, is_complete, next_item
from care.protocol import Protocol
from care.regimens import build_regimen
from schedules.questionnaires import expire_questionnaires
from services import questionnaires
from services.questionnaire_views import items_of, load_answers
from storage import migrate
from storage.engine import Sessions, make_engine, make_sessions
from storage.models import Patient, Questionnaire, Team

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CHAT = 4242
PROTOCOL = Protocol()
CODES = [*map(str, range(12)), "y", "n", "t0", "t1", "t5", "d", "b", "l", "c", "x", "-1"]
press = st.tuples(st.just("press"), st.integers(0, 30), st.sampled_from(CODES))
action = st.one_of(
    press,
    st.just(("restart",)),
    st.just(("replay",)),
    st.just(("expire",)),
    st.tuples(st.just("current"), st.sampled_from(CODES)),
)


async def scenario(url: str, actions: list[tuple[object, ...]]) -> None:
    engine = make_engine(url)
    sessions = make_sessions(engine)
    async with sessions() as session:
        team = Team(name=f"t{id(actions)}-{len(actions)}", timezone="UTC", created_at=NOW)
        session.add(team)
        await session.flush()
        patient = Patient(
            team_id=team.id or 0,
            alias="PX-1",
            status="active",
            chat_id=None,
            timezone="UTC",
            reminder_time="09:00",
            regimen_code="oral-high",
            regimen=build_regimen("oral-high").to_dict(),
            therapy_start=date(2026, 3, 1),
            created_at=NOW,
            consented_at=NOW,
        )
        session.add(patient)
        await session.flush()
        patient.chat_id = CHAT + (patient.id or 0)
        q = Questionnaire(
            patient_id=patient.id or 0,
            kind="weekly",
            week=6,
            due_at=NOW,
            status="in_progress",
            sent_at=NOW,
            expires_at=NOW + timedelta(days=3),
            last_answer_at=NOW,
        )
        session.add(q)
        await session.commit()
        qid, chat = q.id or 0, patient.chat_id
    now, last = NOW, None
    for act in actions:
        now += timedelta(seconds=7)
        if act[0] == "restart":
            await engine.dispose()
            engine = make_engine(url)
            sessions = make_sessions(engine)
            continue
        if act[0] == "expire":
            now += timedelta(days=4)
            await expire_questionnaires(sessions, now=now, protocol=PROTOCOL)
            continue
        if act[0] == "replay":
            if last is None:
                continue
            position, code = last
        elif act[0] == "current":
            async with sessions() as session:
                row = await session.get(Questionnaire, qid)
                assert row is not None
                items = items_of(row, PROTOCOL, injections=False)
                item = next_item(items, load_answers(row.answers))
                position, code = (items.index(item) if item else 0), str(act[1])
        else:
            position, code = int(str(act[1])), str(act[2])
        last = (position, code)
        await questionnaires.press(
            sessions, questionnaire_id=qid, position=position, code=code, chat_id=chat, now=now, protocol=PROTOCOL
        )
        await check(sessions, qid)
    await check(sessions, qid)
    await engine.dispose()


async def check(sessions: Sessions, qid: int) -> None:
    async with sessions() as session:
        row = await session.get(Questionnaire, qid)
    assert row is not None
    items = items_of(row, PROTOCOL, injections=False)
    answers = load_answers(row.answers)
    asked = applicable(items, answers)
    answered = [i.key for i in asked if i.key in answers]
    assert answered == [i.key for i in asked[: len(answered)]], "answers are a prefix: no gaps, no doubles"
    assert set(answers) <= {i.key for i in items}
    for item in asked:
        if item.key in answers:
            item.validate(answers[item.key])
    assert row.status in ("in_progress", "paused", "completed", "expired")
    assert (row.status == "completed") == is_complete(items, answers) or row.status == "expired"
    if row.status == "completed":
        assert row.score is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(action, min_size=1, max_size=60))
def test_any_sequence_of_presses_keeps_the_questionnaire_consistent(
    tmp_path: Path, actions: list[tuple[object, ...]]
) -> None:
    url = f"sqlite:///{tmp_path}/props.db"
    if not (tmp_path / "props.db").exists():
        asyncio.run(_migrate(url))
    asyncio.run(scenario(url, actions))


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()


def test_a_straight_run_completes() -> None:
    """The property test's scenario can reach completion (so the property is not vacuous)."""
    codes = ["5", "5", "3", *["n"] * 15, "t5", "n"]  # B6 and the red-flag screen: "None of these" (one tap each)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/run.db"
        asyncio.run(_migrate(url))
        asyncio.run(scenario(url, [("current", c) for c in codes]))

        async def status() -> str:
            engine = make_engine(url)
            async with make_sessions(engine)() as session:
                row = await session.get(Questionnaire, 1)
            await engine.dispose()
            assert row is not None
            return row.status

        assert asyncio.run(status()) == "completed"
