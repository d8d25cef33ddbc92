"""The delivery half of the reliability battery (issue 7) on the Bot API stand-in.

Each test injects a fault and is run again with the fault switched off: the fault's counter (kept by the
stand-in or by the harness in bot/sandbox/battery/) must show it fired when on and stayed at 0 when off. The
kill -9 test runs real processes (python -m bot.cli run) against the stand-in over HTTP. Small sizes
here; the full ones: bench/faults.py, bench/killnine.py, bench/replay.py (figures in bench/README.md).
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.sandbox import battery
from bot.sandbox.contract import SentMessage
from bot.sandbox.faults import FAULT_KINDS
from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import CHAT0, seed
from bot.sandbox.updates import VirtualUser
from bot.sending.delivery import make_deliver
from schedules.dispatch import dispatch_once, recover
from schedules.jobs import Job, Outcome
from storage.models import DoseEvent, Flag, Outbox, Patient, Questionnaire
from tests.helpers import enrol, invite, team_with_member

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)  # bot/ticks.py CLAIM_LEASE


async def reminder_rows(sb: Sandbox) -> list[Outbox]:
    async with sb.services.sessions() as session:
        query = select(Outbox).where(Outbox.kind == "dose_reminder").order_by(col(Outbox.id))
        return list((await session.exec(query)).all())


def per_chat(sb: Sandbox) -> Counter[int]:
    return Counter(chat for chat, _ in sb.api.messages)


@pytest.mark.parametrize("held_up", [True, False], ids=["fault-on", "fault-off"])
async def test_a_batch_held_up_past_its_lease_keeps_its_claim_and_honours_retry_after(
    database_url: str, held_up: bool
) -> None:
    """A slow batch (each slice held up 50 s, e.g. by 429s) outlives the 2-minute lease: another worker's
    recovery must not take its rows (that would send them twice), and a 429 answered late in the batch
    holds that chat back for retry_after from when it was answered, not from when the batch was claimed."""
    n = 40
    await seed(database_url, n, NOW)
    async with Sandbox(database_url=database_url, start=NOW + timedelta(seconds=1)) as sb:
        for i in range(n):
            sb.api.add_private_chat({"id": CHAT0 + i, "first_name": f"P{i}"})
        s = sb.services
        real = make_deliver(sb.app.bot, s.protocol)
        held = Counter[str]()
        last_chat = CHAT0 + n - 1

        async def slow(jobs: Sequence[Job]) -> Sequence[Outcome]:
            outcomes: list[Outcome] = []
            for start in range(0, len(jobs), 10):  # in slices, as bot/sending/guard.py sends them
                part = jobs[start : start + 10]
                if held_up:
                    sb.clock.advance(timedelta(seconds=50))  # this slice waited 50 s before it went out
                    held["seconds"] += 50
                    # meanwhile another process ticks: it recovers expired claims and sends what it claims
                    await recover(s.sessions, now=sb.clock(), lease=LEASE)
                    await dispatch_once(s.sessions, now=sb.clock(), protocol=s.protocol, worker="other", deliver=real)
                if any(job.chat_id == last_chat for job in part):
                    sb.api.fail_next(
                        "sendMessage", status=429, description="Too Many Requests: retry after 5", retry_after=5
                    )
                outcomes.extend(await real(part))
            return outcomes

        sb.api.calls.clear()
        stats = await dispatch_once(
            s.sessions, now=sb.clock(), protocol=s.protocol, worker="slow", deliver=slow, clock=sb.clock
        )
        assert stats.claimed == n
        await sb.run_for(timedelta(minutes=1))  # the 429'd reminders go out again later
        rows = await reminder_rows(sb)
        assert max(per_chat(sb).values()) == 1  # nothing sent twice
        assert len(per_chat(sb)) == n  # nothing lost
        assert {r.status for r in rows} == {"sent"}
        assert not any(r.uncertain for r in rows)
        assert sb.api.window_violations == []  # no request to a chat inside the retry_after it was given
        assert sb.api.fired["429"] == 1
        assert (held["seconds"] > 0) == held_up  # the fault (the hold-up) fired only when on


@pytest.mark.parametrize("faults", [True, False], ids=["fault-on", "fault-off"])
async def test_a_fifth_of_sends_failing_loses_nothing_and_respects_retry_after(database_url: str, faults: bool) -> None:
    """20% of sendMessage calls answered with 429 (retry_after 1-5 s), 500, 502, a refused connection, a read
    time-out before or after delivery; AIORateLimiter on, time real (its sleeps are real) except idle waits."""
    n = 40
    got = await battery.faults(database_url, n=n, rate=0.2 if faults else 0.0, seed=7)
    assert got["delivered"] == n and got["recorded_sent"] == n  # all delivered, all recorded
    assert got["duplicates_not_uncertain"] == 0  # a duplicate only where the outcome was unknown
    assert got["duplicates"] <= got["fired"].get("delivered_timeout", 0)
    assert got["window_violations"] == 0  # no request to a chat inside a retry_after window it was given
    if faults:
        assert set(got["fired"]) >= set(FAULT_KINDS), got["fired"]  # each kind fired
    else:
        assert got["fired"] == {} and got["duplicates"] == got["uncertain"] == 0


PAT = VirtualUser(2001, "Pat")
DAY1 = datetime(2026, 6, 2, tzinfo=UTC)  # therapy starts; reminders at 09:00 UTC


async def patient_and_flags(sb: Sandbox) -> tuple[Patient, list[str]]:
    async with sb.services.sessions() as session:
        patient = (await session.exec(select(Patient).where(Patient.chat_id == PAT.id))).one()
        flags = (await session.exec(select(Flag.kind).where(Flag.patient_id == patient.id))).all()
    return patient, list(flags)


def reminders_to(sb: Sandbox, user: VirtualUser) -> list[SentMessage]:
    return [m for m in sb.api.sent_to(user.id) if "Time for your vitamin B12" in (m.text or "")]


@pytest.mark.parametrize("block", ["403", "kicked", "off"], ids=["fault-on-403", "fault-on-kicked", "fault-off"])
async def test_a_patient_who_blocks_the_bot_gets_nothing_more_and_is_flagged(database_url: str, block: str) -> None:
    async with Sandbox(database_url=database_url, start=DAY1 - timedelta(hours=12)) as sb:
        await team_with_member(sb, tz="UTC")
        await enrol(sb, PAT, await invite(sb, start=DAY1.date(), tz="UTC"))
        await sb.run_until(DAY1 + timedelta(hours=9, seconds=30))  # the first reminder reached Pat
        assert len(reminders_to(sb, PAT)) == 1
        if block == "403":
            sb.api.block(PAT.id)  # silently: Telegram answers the next send with 403
        elif block == "kicked":
            await sb.send(sb.users.my_chat_member(PAT, status_new="kicked"))  # Telegram tells the bot at once
        calls_before = len(sb.api.calls)
        await sb.run_until(DAY1 + timedelta(days=3))
        to_pat = [c for c in sb.api.calls[calls_before:] if c.params.get("chat_id") == PAT.id]
        patient, flags = await patient_and_flags(sb)
    if block == "off":
        assert sb.api.fired["block"] == sb.api.fired["403"] == 0
        assert len(reminders_to(sb, PAT)) == 3 and patient.reachable and "unreachable" not in flags
        return
    assert sb.api.fired["block"] == 1  # the fault fired
    assert sb.api.fired["403"] == (1 if block == "403" else 0)  # one refused send, never retried; none if told
    assert [c.status for c in to_pat] == ([403] if block == "403" else [])  # nothing reached Pat after the block
    assert len(reminders_to(sb, PAT)) == 1
    assert not patient.reachable and flags.count("unreachable") == 1


@pytest.mark.parametrize(
    "downtime",
    [timedelta(minutes=10), timedelta(hours=2), timedelta(hours=30), None],
    ids=["fault-on-10min", "fault-on-2h", "fault-on-30h", "fault-off"],
)
async def test_after_downtime_useful_reminders_go_once_marked_late_and_stale_ones_are_missed(
    database_url: str, downtime: timedelta | None
) -> None:
    """Back up at 10:00 UTC on day 2 after `downtime`; reminders at 08:01, 09:00 and 09:55 UTC (three patients),
    and a fourth patient who consented just as the bot went down (the baseline questionnaire was not sent yet)."""
    up = DAY1 + timedelta(days=1, hours=10)
    down = up - (downtime or timedelta(hours=30))
    users = [(VirtualUser(2101 + k, f"P{k}"), at) for k, at in enumerate((time(8, 1), time(9), time(9, 55)))]
    late_one = VirtualUser(2201, "Q")
    async with Sandbox(database_url=database_url, start=DAY1 - timedelta(hours=12)) as sb:
        await team_with_member(sb, tz="UTC")
        for k, (user, at) in enumerate(users):
            await enrol(sb, user, await invite(sb, alias=f"DT-{k}", start=DAY1.date(), tz="UTC", at=at))
        await sb.run_until(down)
        await enrol(sb, late_one, await invite(sb, alias="QQ-9", start=(DAY1 + timedelta(days=5)).date(), tz="UTC"))
        skipped = timedelta(0)
        if downtime is None:
            await sb.run_until(up)
        else:
            skipped = up - sb.clock()
            sb.clock.set(up)  # the bot was down: no tick in between
            await sb.tick()
        await sb.run_until(up + timedelta(minutes=5))
        async with sb.services.sessions() as session:
            doses = (await session.exec(select(DoseEvent, Patient).join(Patient).order_by(col(DoseEvent.due_at)))).all()
            baseline = (await session.exec(select(Questionnaire).join(Patient).where(Patient.alias == "QQ-9"))).one()
    assert (skipped > timedelta(0)) == (downtime is not None)  # the fault fired only when on
    protocol = sb.services.protocol
    tally = Counter[str]()
    for dose, patient in doses:
        if not down < dose.due_at <= up:
            continue
        user = next(u for u, _ in users if u.id == patient.chat_id)
        sent_for_it = [m for m in reminders_to(sb, user) if m.date >= dose.due_at and m.date - dose.due_at < LEASE * 60]
        lateness = up - dose.due_at if downtime is not None else timedelta(0)
        if lateness > protocol.doses.late_window:  # stale: recorded missed, not sent
            assert (dose.status, sent_for_it) == ("missed", []), (dose.due_at, lateness)
            tally["missed"] += 1
        else:  # still useful: sent once, marked late when past the late mark
            assert dose.status in ("sent", "unconfirmed") and len(sent_for_it) == 1, (
                dose.due_at,
                lateness,
                dose.status,
            )
            assert dose.late == (lateness > protocol.doses.late_mark)
            assert ("a little late" in (sent_for_it[0].text or "")) == dose.late
            tally["late" if dose.late else "on time"] += 1
    expected = {
        "fault-on-10min": (0, 0, 1),
        "fault-on-2h": (0, 2, 1),
        "fault-on-30h": (3, 2, 1),
        "fault-off": (0, 0, 6),
    }
    case = "fault-off" if downtime is None else f"fault-on-{_label(downtime)}"
    assert (tally["missed"], tally["late"], tally["on time"]) == expected[case]
    assert baseline.status == "in_progress"  # within its window: sent after the downtime
    assert sb.api.refusals == 0


def _label(delta: timedelta | None) -> str:
    if delta is None:
        return "off"
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes}min" if minutes < 60 else f"{minutes // 60}h"


@pytest.mark.parametrize("replays", [True, False], ids=["fault-on", "fault-off"])
async def test_updates_replayed_one_to_three_times_in_shuffled_order_take_effect_once(
    database_url: str, replays: bool
) -> None:
    patients = (100 if database_url.startswith("sqlite") else 40) // (1 if replays else 4)  # bench/replay.py: 10,000
    got = await battery.replay(database_url, patients=patients, replays=replays, rng=random.Random(11))
    updates = 2 * patients
    assert got["updates"] == got["new"] == got["handled"] == updates  # each stored and handled once
    assert got["inbox"] == [updates, updates, 0]  # all processed, none failed
    assert got["taken"] == patients  # every Taken recorded
    assert got["edits"] == [1] and got["callback_answers"] == [1] and got["answered_presses"] == patients
    assert got["messages_per_chat"] == [2]  # the reminder and one answer to /help, nothing twice
    assert (got["replays_ignored"] > 0) == replays and got["replays_ignored"] == got["deliveries"] - updates


@pytest.mark.parametrize("kills", [2, 0], ids=["fault-on", "fault-off"])
async def test_kill_9_during_a_fan_out_loses_nothing_and_duplicates_only_what_was_in_flight(
    database_url: str, tmp_path: Path, kills: int
) -> None:
    """Real processes (python -m bot.cli run) on the stand-in over HTTP; bench/killnine.py: 20 x 10,000."""
    n = 400 if kills else 100
    got = await battery.killnine(database_url, n=n, kills=kills, rng=random.Random(kills), logs=tmp_path)
    print(f"\nkill -9: {got}", file=sys.stderr)
    assert got["kills"] == kills  # the fault counter: SIGKILLs that ended a running process
    assert got["lost"] == 0 and got["not_recorded_sent"] == 0
    assert got["duplicates_not_in_flight"] == 0 and got["duplicates_not_uncertain"] == 0
    assert got["exit_code_last"] == 0
    if not kills:
        assert got["duplicates"] == got["uncertain"] == 0
