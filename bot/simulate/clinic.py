"""Driving a virtual clinic: a clinician enrols the cohort, patients answer as their profile says.

The real Application, handlers, storage and ticks run unchanged on the Bot API stand-in; time is
virtual and moves from one due moment (the bot's or a patient's) to the next. Nothing sleeps.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.simulate import moment
from bot.simulate.moment import Action, Person
from bot.simulate.profiles import Behaviour, cohort
from bot.simulate.transcript import Transcript
from care.regimens import build_regimen
from services import enrolment

START = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # a Monday
TEAM_ZONE = "Europe/Berlin"
ZONES = ("Europe/Berlin", "America/New_York", "Europe/London", "Asia/Tokyo")
TIMES = (time(8), time(9), time(19, 30))
TTL = timedelta(days=14)
CLINICIAN = VirtualUser(600_001, "Virtual clinician")


@dataclass(frozen=True)
class Config:
    patients: int
    weeks: int
    seed: int
    profiles: tuple[str, ...]
    database_url: str
    transcript: Path | None = None
    rate_limiter: bool = False


class Clinic:
    def __init__(self, sb: Sandbox, config: Config, transcript: TextIO | None) -> None:
        self.sb, self.config = sb, config
        self.transcript = Transcript(sb, transcript)
        self.transcript.chat(CLINICIAN.id, f"care team ({CLINICIAN.first_name})", TEAM_ZONE)
        self.people: list[Person] = []
        self.index: dict[int, int] = {}  # chat id -> index in people
        self.read = 0  # the bot's messages (every chat) noticed so far
        self.queue: list[Action] = []
        self.seq = 0
        self.presses: dict[str, list[int]] = {}  # questionnaire kind -> presses to answer each one
        self.chat_messages: dict[str, list[int]] = {}  # questionnaire kind -> bot messages left in the chat

    def schedule(
        self, at: datetime, person: int, kind: str, message: SentMessage | None = None, code: str = ""
    ) -> None:
        self.seq += 1
        heapq.heappush(self.queue, Action(at, self.seq, person, kind, message, code))

    async def enrol_all(self) -> None:
        sb = self.sb
        team = await enrolment.create_team(
            sb.services.sessions,
            name="Virtual clinic",
            timezone=TEAM_ZONE,
            digest_time=time(8),
            now=sb.clock(),
            ttl=TTL,
        )
        self.transcript.person(CLINICIAN.id, "/start <join link>")
        await sb.send(sb.users.text(CLINICIAN, f"/start {team.token}"))
        for patient in cohort(self.config.patients, self.config.profiles, self.config.seed):
            i = patient.index
            start = (sb.clock() + timedelta(days=1)).date()
            request = enrolment.PatientRequest(
                team="Virtual clinic",
                alias=patient.alias,
                regimen=build_regimen("oral-high"),
                start=start,
                timezone=ZONES[i % len(ZONES)],
                reminder_time=TIMES[i % len(TIMES)],
                clinician_user_id=CLINICIAN.id,
            )
            invite = await enrolment.invite_patient(sb.services.sessions, request=request, now=sb.clock(), ttl=TTL)
            person = Person(patient, Behaviour(patient), VirtualUser(patient.user_id, f"Virtual {i}"), start)
            self.transcript.chat(person.user.id, patient.alias, request.timezone)
            self.people.append(person)
            self.index[person.user.id] = len(self.people) - 1
            await self.say(len(self.people) - 1, f"/start {invite.token}")
            consent = sb.api.last_to(person.user.id)
            assert consent is not None
            await self.press(len(self.people) - 1, consent, "I agree")
            if (week := person.behaviour.blocks_at_week()) is not None:
                self.schedule(sb.clock() + timedelta(weeks=week, hours=5), len(self.people) - 1, "block")

    def week_of(self, person: Person) -> int:
        return max(0, (self.sb.clock().date() - person.start).days // 7)

    async def say(self, index: int, text: str) -> None:
        person = self.people[index]
        self.transcript.person(person.user.id, text if not text.startswith("/start ") else "/start <invite link>")
        await self.sb.send(self.sb.users.text(person.user, text))

    async def press(self, index: int, message: SentMessage, label: str) -> None:
        person = self.people[index]
        self.transcript.person(person.user.id, f"presses “{label}”")
        await self.sb.send(self.sb.users.press_button(person.user, message, label))

    def notice_new_messages(self) -> None:
        """Read what the bot sent each patient since last time and decide the responses, patient by patient
        (in their order, as the responses are queued in that order): only the chats sent to since last time."""
        now = self.sb.clock()
        self.transcript.flush()
        sent = self.sb.api.sent
        touched = sorted({i for m in sent[self.read :] if (i := self.index.get(m.chat_id)) is not None})
        self.read = len(sent)
        for index in touched:
            person = self.people[index]
            chat = self.sb.api.by_chat[person.user.id]
            for message in chat[person.seen :]:
                self.react(index, person, message, now)
            person.seen = len(chat)

    def react(self, index: int, person: Person, message: SentMessage, now: datetime) -> None:
        if person.blocked or not message.reply_markup:
            return
        data = self.sb.users.button_data(message)
        week = self.week_of(person)
        if any(d.startswith("d1:") for d in data) and "gentle reminder" not in (message.text or ""):
            code = person.behaviour.answers_dose(week)
            if code is not None:
                self.schedule(now + person.behaviour.delay(), index, "press", message, code)
        elif (
            any(d.startswith("q1:") for d in data)
            and "Question 1 of" in (message.text or "")
            and not person.behaviour.silent(week)
        ):
            self.schedule(now + person.behaviour.delay(), index, "questionnaire", message)

    def due_now(self, at: datetime) -> list[Action]:
        """The actions due at `at`, one per patient (a patient's second stays queued for the next batch)."""
        batch: list[Action] = []
        later: list[Action] = []
        people: set[int] = set()
        while self.queue and self.queue[0].at == at:
            action = heapq.heappop(self.queue)
            (later if action.person in people else batch).append(action)
            people.add(action.person)
        for action in later:
            heapq.heappush(self.queue, action)
        return batch

    async def run(self, progress: Callable[[float], None] | None) -> None:
        sb = self.sb
        end = START + timedelta(weeks=self.config.weeks, days=1)
        await self.enrol_all()
        while True:
            self.notice_new_messages()
            bot_next, found = await sb.next_moment()
            person_next = self.queue[0].at if self.queue else None
            moments = [m for m in (bot_next, person_next) if m is not None]
            nxt = min(moments) if moments else end
            if nxt > end:
                break
            if person_next is not None and person_next <= nxt:
                sb.clock.set(max(sb.clock(), person_next))
                await moment.perform(self, self.due_now(person_next))  # the patients' updates in one batch
            else:
                sb.clock.set(max(sb.clock() + (timedelta(seconds=1) if nxt <= sb.clock() else timedelta(0)), nxt))
                await sb.tick(found)  # read just now: nothing changed since
            if progress is not None:
                progress(min(1.0, (sb.clock() - START) / (end - START)))
        sb.clock.set(end)
        await sb.tick()
        self.notice_new_messages()
