"""A hypothesis state machine over the real Application on the sandbox (SQLite, virtual time).

Rules: enrol a patient, /pause, /resume, /stop (confirmed), /delete_my_data (confirmed), change the reminder
time (/time HH:MM, confirmed when the bot asks: the replanning primitive of schedules/replan.py), advance
the clock (1-40 h, ticking at every due moment), restart the process, make the next send fail (HTTP 500,
a refused connection, or delivered with the answer lost).

Invariants:
- never a send to a patient who is paused, stopped or erased while the clock runs (the ticks send nothing
  to their chat; replies to their own commands are not sends of the ticks);
- at most one delivered message per dose and outbox row (reminder, nudge, snooze), except a row recorded
  as uncertain (an answer was lost: Telegram may have had each attempt);
- every dose due more than 3 hours ago is sent or recorded (missed, not sent, answered): none is left
  planned.

The suite runs 6 examples of up to 25 steps; B12BOT_SM_EXAMPLES and B12BOT_SM_STEPS run more.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Coroutine
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import hypothesis
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import col, select
from telegram.error import NetworkError

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from services import patients
from storage.models import DoseEvent, Outbox
from tests.helpers import enrol, invite, team_with_member

T = TypeVar("T")
START = datetime(2026, 3, 27, 7, 30, tzinfo=UTC)  # Friday before Europe's switch to summer time; reminders 09:00 CET
USERS = [VirtualUser(2001 + i, f"P{i}") for i in range(3)]
QUIET = ("paused", "stopped", "erased")
DOSE_DATA = re.compile(r"d1:(\d+):")
STATS = Counter[str]()  # across the examples of one run: what the machine really did


class Clinic(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.mkdtemp(prefix="b12sm-")
        self.sb = Sandbox(database_url=f"sqlite:///{self.folder}/sm.db", start=START)
        self.state: dict[int, str] = {}  # user id -> active paused stopped erased
        self.faults = Counter[str]()
        self.pending_faults: list[str] = []
        self.fired = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    @initialize()
    def open_clinic(self) -> None:
        self.run(self.sb.__aenter__())
        self.run(team_with_member(self.sb))
        self.enrol(0)  # someone to remind from the first step on
        self.advance(1)  # and their first reminder sent (08:00 UTC)

    def teardown(self) -> None:
        STATS["examples"] += 1
        STATS.update(f"ended {state}" for state in self.state.values())
        try:
            self.run(self.sb.__aexit__(None, None, None))
        finally:
            self.loop.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _last_data(self, user: VirtualUser, prefix: str, suffix: str) -> str | None:
        for message in reversed(self.sb.api.sent_to(user.id)):
            for data in self.sb.users.button_data(message):
                if data.startswith(prefix) and data.endswith(suffix):
                    return data
        return None

    async def _press(self, user: VirtualUser, prefix: str, suffix: str) -> bool:
        data = self._last_data(user, prefix, suffix)
        message = self.sb.api.last_to(user.id)
        if data is None or message is None:
            return False
        await self.sb.send(self.sb.users.press(user, message, data))
        return True

    # -- rules ----------------------------------------------------------------------------
    @rule(i=st.integers(0, len(USERS) - 1))
    def enrol(self, i: int) -> None:
        user = USERS[i]
        if user.id in self.state:
            return
        today = self.sb.clock().date()
        self.run(self._enrol(user, i, today))
        self.state[user.id] = "active"

    async def _enrol(self, user: VirtualUser, i: int, today: date) -> None:
        await enrol(self.sb, user, await invite(self.sb, alias=f"SM-{i}", start=today))

    @rule(i=st.integers(0, len(USERS) - 1))
    def pause(self, i: int) -> None:
        user = USERS[i]
        if self.state.get(user.id) in ("active", "paused"):
            self.run(self.sb.send(self.sb.users.text(user, "/pause")))
            self.state[user.id] = "paused"

    @rule(i=st.integers(0, len(USERS) - 1))
    def resume(self, i: int) -> None:
        user = USERS[i]
        if self.state.get(user.id) in ("active", "paused"):
            self.run(self.sb.send(self.sb.users.text(user, "/resume")))
            self.state[user.id] = "active"

    @rule(i=st.integers(0, len(USERS) - 1))
    def stop(self, i: int) -> None:
        user = USERS[i]
        if self.state.get(user.id) in ("active", "paused"):
            self.run(self.sb.send(self.sb.users.text(user, "/stop")))
            assert self.run(self._press(user, "p1:stop:", "y"))
            self.state[user.id] = "stopped"

    @rule(i=st.integers(0, len(USERS) - 1))
    def erase(self, i: int) -> None:
        user = USERS[i]
        if self.state.get(user.id) in ("active", "paused", "stopped"):
            self.run(self.sb.send(self.sb.users.text(user, "/delete_my_data")))
            assert self.run(self._press(user, "x1:", ":y")), self.sb.api.texts_to(user.id)[-1]
            self.state[user.id] = "erased"
            STATS["erasures"] += 1

    @rule(i=st.integers(0, len(USERS) - 1), hour=st.integers(0, 23), minute=st.sampled_from([0, 30, 45]))
    def change_time(self, i: int, hour: int, minute: int) -> None:
        user = USERS[i]
        if self.state.get(user.id) in ("active", "paused"):
            self.run(self.sb.send(self.sb.users.text(user, f"/time {hour:02d}:{minute:02d}")))
            self.run(self._press(user, "s1:ok", "ok"))  # when the bot asks to confirm the transition
            STATS["time changes"] += 1

    @rule(hours=st.integers(1, 40), fault=st.sampled_from([None, "http_500", "refused_connection", "answer_lost"]))
    def advance(self, hours: int, fault: str | None = None) -> None:
        """Run the clock; with `fault`, the first send of the ticks fails that way."""
        if fault is not None:
            self.pending_faults.append(fault)
        quiet = {uid for uid, s in self.state.items() if s in QUIET}
        first, fired = len(self.sb.api.calls), self.sb.api.faults_fired
        self._inject()
        self.run(self.sb.run_for(timedelta(hours=hours)))
        self.sb.api._faults.clear()  # a fault the ticks did not meet must not hit the next reply to a command
        self.fired += self.sb.api.faults_fired - fired
        sent_to = [
            int(c.params["chat_id"])
            for c in self.sb.api.calls[first:]
            if c.method in ("sendMessage", "sendPhoto", "sendDocument") and c.status == 200
        ]
        STATS["advances"] += 1
        STATS["sends while advancing"] += len(sent_to)
        STATS["faults fired"] += self.sb.api.faults_fired - fired
        assert not quiet & set(sent_to), f"sent to {quiet & set(sent_to)} while {self.state}"

    @rule()
    def restart(self) -> None:
        self.run(self.sb.restart())
        STATS["restarts"] += 1

    @rule(kind=st.sampled_from(["http_500", "refused_connection", "answer_lost"]))
    def fail_a_send(self, kind: str) -> None:
        """The next send of the ticks fails (queued when the clock next runs: a reply to a command is not it)."""
        self.pending_faults.append(kind)

    def _inject(self) -> None:
        api = self.sb.api
        for kind in self.pending_faults:
            if kind == "http_500":
                api.fail_next("sendMessage", status=500, description="Internal Server Error")
            elif kind == "refused_connection":
                api.raise_next("sendMessage", NetworkError("connection refused (fault injected)"))
            else:
                api.delivered_then_timeout("sendMessage")
            self.faults[kind] += 1
        self.pending_faults.clear()

    # -- invariants -------------------------------------------------------------------------
    @precondition(lambda self: bool(self.state))
    @invariant()
    def at_most_one_delivery_per_dose_row(self) -> None:
        # keyed by chat too: on SQLite the ids of erased rows are given out again to the next patient's rows
        delivered = Counter[tuple[int, int]]()
        for call in self.sb.api.calls:
            if call.method == "sendMessage" and call.status == 200:
                ids = set(DOSE_DATA.findall(str(call.params.get("reply_markup", ""))))
                delivered.update((int(call.params["chat_id"]), int(d)) for d in ids)
        rows = self.run(self._dose_outbox())
        for key, count in delivered.items():
            if key not in rows:  # erased with the patient's data (/delete_my_data): nothing left to compare
                continue
            sent, uncertain = rows[key]
            assert count <= sent + uncertain, (key, count, sent, uncertain)

    async def _dose_outbox(self) -> dict[tuple[int, int], tuple[int, int]]:
        async with self.sb.services.sessions() as session:
            # the messages sent for a dose (a closed reminder is edited, not sent again)
            sending = col(Outbox.kind).in_(("dose_reminder", "dose_nudge", "dose_snooze"))
            boxes = (await session.exec(select(Outbox).where(sending))).all()
        out: dict[tuple[int, int], tuple[int, int]] = {}
        for box in boxes:
            if box.ref_id is None:
                continue
            key = (box.chat_id, box.ref_id)
            sent, uncertain = out.get(key, (0, 0))
            # a row whose answer was lost is sent again, and may have been delivered at every attempt
            again = box.attempts - 1 if box.uncertain else 0
            out[key] = (sent + (box.status == "sent"), uncertain + again)
        return out

    @precondition(lambda self: bool(self.state))
    @invariant()
    def every_dose_due_is_sent_or_recorded(self) -> None:
        async def planned_overdue() -> list[tuple[int | None, datetime]]:
            async with self.sb.services.sessions() as session:
                query = select(DoseEvent).where(
                    col(DoseEvent.status) == "planned", col(DoseEvent.due_at) < self.sb.clock() - timedelta(hours=3)
                )
                return [(d.id, d.due_at) for d in (await session.exec(query)).all()]

        assert self.run(planned_overdue()) == []


@hypothesis.seed(20261126)
class SeededClinic(Clinic):
    """The suite's machine: the same random examples every run (B12BOT_SM_EXAMPLES: new ones each run)."""


def test_state_machine_never_sends_to_quiet_patients_once_per_dose_nothing_left_due() -> None:
    STATS.clear()
    more = "B12BOT_SM_EXAMPLES" in os.environ
    run_state_machine_as_test(
        Clinic if more else SeededClinic,
        settings=settings(
            max_examples=int(os.environ.get("B12BOT_SM_EXAMPLES", "6")),
            stateful_step_count=int(os.environ.get("B12BOT_SM_STEPS", "25")),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(dict(STATS))  # pytest -s shows what the examples did
    assert STATS["advances"] > STATS["examples"] and STATS["faults fired"], dict(STATS)  # the machine did things


def test_the_machine_catches_a_send_after_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault switched on: /stop answers "stopped" but changes nothing. The same steps then fail the check."""

    async def stop_that_does_not(sessions: object, *, chat_id: int, now: datetime) -> str:
        return "stopped"

    monkeypatch.setattr(patients, "stop", stop_that_does_not)
    machine = Clinic()
    try:
        machine.open_clinic()  # enrols patient 0, sends the first reminder
        machine.stop(0)
        with pytest.raises(AssertionError, match="sent to"):
            machine.advance(30)
    finally:
        machine.teardown()


def test_the_machine_catches_a_duplicate_send() -> None:
    """Fault: a reminder delivered twice without being recorded uncertain (the stand-in answers twice)."""
    machine = Clinic()
    try:
        machine.open_clinic()
        machine.advance(30)
        reminder = next(c for c in machine.sb.api.calls if "d1:" in str(c.params.get("reply_markup", "")))
        machine.sb.api.calls.append(reminder)  # as if Telegram had shown it twice
        with pytest.raises(AssertionError):
            machine.at_most_one_delivery_per_dose_row()
    finally:
        machine.teardown()


def test_a_new_patient_after_an_erasure_is_not_mistaken_for_a_duplicate() -> None:
    """Found by the machine: on SQLite the next patient's first dose row may get the erased row's id."""
    machine = Clinic()
    try:
        machine.open_clinic()
        machine.advance(16)
        machine.erase(0)
        machine.enrol(2)
        machine.advance(1)
        machine.at_most_one_delivery_per_dose_row()
        machine.every_dose_due_is_sent_or_recorded()
    finally:
        machine.teardown()


def test_a_paused_patient_is_not_told_that_the_questions_closed() -> None:
    """Found by the machine: the baseline questions expired while the patient was paused, and the
    "questions have closed" notice went out (schedules/questionnaires.py now sends it to active patients only)."""
    machine = Clinic()
    try:
        machine.open_clinic()  # consent opened the baseline questions, which stay open 3 days
        machine.pause(0)
        for _ in range(3):
            machine.advance(30)
        machine.every_dose_due_is_sent_or_recorded()
    finally:
        machine.teardown()


def test_two_lost_answers_in_a_row_are_two_uncertain_attempts_not_a_duplicate() -> None:
    """Found by the machine: the nudge's answer lost twice, so it went out three times, on one row marked
    uncertain with three attempts; the check counts the attempts of an uncertain row."""
    machine = Clinic()
    try:
        machine.open_clinic()
        machine.fail_a_send("answer_lost")
        machine.advance(2, "answer_lost")
        assert machine.sb.api.faults_fired == 2
        machine.at_most_one_delivery_per_dose_row()
    finally:
        machine.teardown()
