"""Random changes of time zone and reminder time at random moments over a few weeks: no dose repeated or lost.

A scenario: a regimen (daily, three a day 6 hours apart, or weekly), a first zone and reminder time,
then one to five changes (zone, time or both; zones on both sides of the date line, with DST in both
hemispheres and half-hour offsets), each at a random minute of three weeks that start just before a DST
change. At each change every dose due by then has been sent (it is kept), the rest is replanned by
`schedules.reschedule.plan_change`, and the patient accepts any transition dose proposed.

Invariants checked, on the pure rule (`test_rule_*`, many scenarios) and through the planner and
`schedules.replan.replan` on SQLite (`test_planner_*`, fewer scenarios, the same dose instants):

1. identity: no therapy day and slot (`local_date`, `slot`) has two doses;
2. completeness: every dose day of the regimen, from the start up to three days before the end of the
   run, has exactly the regimen's number of doses (times a day);
3. nothing in the past: a change places no reminder before the moment of the change, and (planner) the
   rows of doses already sent are unchanged by it;
4. order: doses come in therapy-day order (a later day's dose never before an earlier day's);
5. spacing: two consecutive doses are at least min(8 h, the regimen's own gap) and at most
   max(36 h, the regimen's own gap + 12 h) apart, the regimen's own gap being the one the newer schedule
   gives those two doses (24 h a day, 23 or 25 across DST, 6 h between doses of one day, 168 h a week);
   4 and 5 hold whenever the rule found a single transition dose enough (`feasible`); when it did not
   (a change of more than about two days, e.g. 00:00 at UTC+14 to 23:30 at UTC-11), 1-3 still hold.
6. (planner) every dose row has one reminder in the outbox, and no reminder is left without its dose.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import col, select

from bot.sandbox.reschedule_cases import REGIMENS, SPAN, STARTS, ZONES, Dose, Scenario, check, simulate
from care.protocol import Protocol
from schedules.dosetimes import DoseSlot
from schedules.planner import plan
from schedules.replan import ConfirmationNeeded, replan
from schedules.reschedule import Setting
from storage import migrate
from storage.engine import Sessions, make_engine, make_sessions
from storage.models import DoseEvent, Outbox, Patient, Team

CHATS = itertools.count(10_000)  # one patient per planner scenario, in one database


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    code = draw(st.sampled_from(sorted(REGIMENS)))
    latest = 11 if code == "oral-methyl" else 23  # three doses 6 hours apart end before midnight
    clocks = st.builds(time, st.integers(0, latest), st.sampled_from((0, 15, 30, 45, 7)))
    zones = st.sampled_from(ZONES).map(ZoneInfo)
    setting = Setting(draw(zones), draw(clocks))
    first, changes = setting, []
    for minute in sorted(draw(st.lists(st.integers(0, int(SPAN.total_seconds()) // 60), min_size=1, max_size=5))):
        what = draw(st.sampled_from(("zone", "time", "both")))
        setting = Setting(
            draw(zones) if what != "time" else setting.zone, draw(clocks) if what != "zone" else setting.at
        )
        changes.append((timedelta(minutes=minute), setting))
    return Scenario(code, draw(st.sampled_from(STARTS)), first, tuple(changes))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_rule_changes_never_repeat_or_lose_a_dose(sc: Scenario) -> None:
    doses, feasible = simulate(sc)
    event(f"feasible={feasible}")
    check(sc, doses, feasible)


def test_rule_known_cases() -> None:
    """The examples in the module docstrings, exactly."""
    berlin, new_york = Setting(ZoneInfo("Europe/Berlin"), time(8)), Setting(ZoneInfo("America/New_York"), time(8))
    sc = Scenario("oral-high", date(2026, 10, 27), berlin, ((timedelta(days=1, hours=9), new_york),))
    doses, feasible = simulate(sc)
    after = [d.slot.due_at.astimezone(new_york.zone) for d in doses if d.setting is new_york]
    assert feasible and after[0] == datetime(2026, 10, 28, 8, tzinfo=new_york.zone)  # no second dose on the 27th
    eight = Setting(berlin.zone, time(6))  # 08:00 -> 06:00 at 07:00: today's dose stays at 08:00
    sc = Scenario("oral-high", date(2026, 10, 27), berlin, ((timedelta(days=1, hours=6), eight),))
    doses, feasible = simulate(sc)
    local = [d.slot.due_at.astimezone(berlin.zone).strftime("%d %H:%M") for d in doses][:3]
    assert feasible and local == ["27 08:00", "28 06:00", "29 06:00"]


async def run_planner(url: str, sc: Scenario, chat: int) -> list[Dose]:
    """The same scenario through the planner and `replan` on SQLite: plan every 12 hours (every dose due
    by then is sent and taken), change at each change moment; the dose rows, as doses."""
    engine = make_engine(url)
    sessions = make_sessions(engine)
    protocol, now = Protocol(), sc.begin
    try:
        async with sessions() as session:
            team = Team(name=f"team-{chat}", timezone="UTC", created_at=now)
            session.add(team)
            await session.flush()
            patient = Patient(team_id=team.id or 0, alias=f"P-{chat}", status="active", chat_id=chat,
                              timezone=sc.first.zone.key, reminder_time=sc.first.at.strftime("%H:%M"),
                              regimen_code=sc.code, regimen=sc.regimen.to_dict(), therapy_start=sc.start,
                              created_at=now, consented_at=now)  # fmt: skip
            session.add(patient)
            await session.commit()
            pid = patient.id
        moments = [(sc.begin + offset, new) for offset, new in sc.changes]
        every = timedelta(hours=12)
        ticks = {sc.begin + every * n for n in range(int((sc.end - sc.begin) / every) + 1)}
        steps = sorted(ticks | {m for m, _ in moments})
        for now in steps:
            async with sessions() as session:  # everything due by now was sent and answered
                due = col(DoseEvent.due_at) <= now
                await session.execute(update(DoseEvent).where(due, DoseEvent.patient_id == pid).values(status="taken"))
                await session.execute(
                    update(Outbox).where(col(Outbox.due_at) <= now, Outbox.patient_id == pid).values(status="sent")
                )
                await session.commit()
            await plan(sessions, now=now, protocol=protocol)
            for new in [n for m, n in moments if m == now]:
                async with sessions() as session:
                    before = (await session.exec(select(DoseEvent).where(DoseEvent.patient_id == pid))).all()
                    sent = {(d.id, d.due_at, d.status) for d in before if d.due_at <= now}
                await change(sessions, pid, new, now, protocol)
                async with sessions() as session:
                    after = (await session.exec(select(DoseEvent).where(DoseEvent.patient_id == pid))).all()
                    assert sent <= {(d.id, d.due_at, d.status) for d in after}, "3: a sent dose was touched"
        async with sessions() as session:
            rows = (await session.exec(select(DoseEvent).where(DoseEvent.patient_id == pid))).all()
            reminders = select(Outbox).where(Outbox.patient_id == pid, Outbox.kind == "dose_reminder")
            boxes = (await session.exec(reminders)).all()
        assert sorted(b.ref_id or 0 for b in boxes) == sorted(d.id or 0 for d in rows), "6: reminders and doses"
        return [Dose(DoseSlot(d.due_at, d.local_date, time(0), d.phase_index, d.phase_start, d.slot), sc.first)
                for d in sorted(rows, key=lambda d: d.due_at) if d.due_at < sc.end]  # fmt: skip
    finally:
        async with sessions() as session:  # out of the planner's way for the next scenario
            await session.execute(update(Patient).values(status="stopped"))
            await session.commit()
        await engine.dispose()


async def change(sessions: Sessions, pid: int | None, new: Setting, now: datetime, protocol: Protocol) -> None:
    """The patient changes the settings and accepts any transition dose proposed."""
    confirmed = None
    for _ in range(2):
        async with sessions() as session:
            patient = await session.get(Patient, pid)
            assert patient is not None
            old = Setting(ZoneInfo(patient.timezone), time.fromisoformat(patient.reminder_time))
            patient.timezone, patient.reminder_time = new.zone.key, new.at.strftime("%H:%M")
            try:
                await replan(session, patient=patient, now=now, protocol=protocol, old=old, confirmed=confirmed)
            except ConfirmationNeeded as need:
                assert need.plan.transition is not None
                confirmed = need.plan.transition.due_at
                await session.rollback()
                continue
            await session.commit()
            return
    raise AssertionError("a confirmed transition was asked again")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('reschedule')}/b12bot.db"

    async def upgrade() -> None:
        engine = make_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(upgrade())
    return url


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(sc=scenarios())
def test_planner_and_replan_give_the_rule_s_doses(migrated: str, sc: Scenario) -> None:
    stored = asyncio.run(run_planner(migrated, sc, next(CHATS)))
    doses, feasible = simulate(sc)
    assert [(d.slot.due_at, d.slot.local_date, d.slot.slot) for d in stored] == [
        (d.slot.due_at, d.slot.local_date, d.slot.slot) for d in doses if d.slot.due_at < sc.end
    ]
    check(sc, [d for d in doses if d.slot.due_at < sc.end], feasible)
