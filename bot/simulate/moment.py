"""The virtual patients' actions due at one moment, sent to the bot together.

At a moment several patients act (a press, a questionnaire, a block): their updates go to the bot as one
batch, as Telegram would hand them over in one getUpdates. A questionnaire is answered tap by tap, each
tap on the question the bot has just sent, so its taps go in rounds: one tap per patient per batch. Each
patient acts at most once per moment's batch (clinic.py keeps a second action for the next), so what one
patient does and sees keeps its order; patients' chats are independent of each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.simulate.profiles import Behaviour, Patient
from bot.simulate.transcript import Transcript, button_label


@dataclass
class Person:
    patient: Patient
    behaviour: Behaviour
    user: VirtualUser
    start: date
    seen: int = 0
    blocked: bool = False


@dataclass(order=True)
class Action:
    at: datetime
    seq: int
    person: int = field(compare=False)
    kind: str = field(compare=False)  # press | questionnaire | block
    message: SentMessage | None = field(compare=False, default=None)
    code: str = field(compare=False, default="")


class Clinic(Protocol):
    """What of the clinic (clinic.py) its patients' actions use."""

    sb: Sandbox
    transcript: Transcript
    people: list[Person]
    presses: dict[str, list[int]]  # questionnaire kind -> presses to answer each one
    chat_messages: dict[str, list[int]]  # questionnaire kind -> bot messages left in the chat


@dataclass
class Answering:
    """One patient answering a questionnaire: the taps still to make, and what to report when done."""

    index: int
    codes: Iterator[str]
    kind: str
    before: int  # messages the bot had sent the patient when the questionnaire began
    presses: int = 0


async def perform(clinic: Clinic, actions: list[Action]) -> None:
    """Every action of one moment (one per patient), in batches of updates."""
    batch: list[dict[str, Any]] = []
    answering: list[Answering] = []
    for action in actions:
        if clinic.people[action.person].blocked:
            continue
        if action.kind == "block":
            batch.append(_block(clinic, action.person))
        elif action.kind == "press" and action.message is not None:
            batch.extend(_press(clinic, action.person, action.message, action.code))
        elif action.kind == "questionnaire" and action.message is not None:
            answering.append(_begin(clinic, action.person, action.message))
    while True:
        still: list[Answering] = []
        for a in answering:
            update = next((_tap(clinic, a.index, code) for code in a.codes), None)
            if update is None:  # answered every question, or nothing left to tap
                _done(clinic, a)
                continue
            a.presses += 1
            batch.append(update)
            still.append(a)
        answering = still
        if not batch:
            return
        await clinic.sb.send(*batch)
        batch = []


def _block(clinic: Clinic, index: int) -> dict[str, Any]:
    person = clinic.people[index]
    person.blocked = True
    clinic.transcript.person(person.user.id, "blocks the bot")
    return clinic.sb.users.my_chat_member(person.user, status_new="kicked")


def _press(clinic: Clinic, index: int, message: SentMessage, code: str) -> list[dict[str, Any]]:
    person = clinic.people[index]
    data = next((d for d in clinic.sb.users.button_data(message) if d.endswith(f":{code}")), None)
    if data is None:
        return []
    clinic.transcript.person(person.user.id, f"presses “{button_label(message, data)}”")
    return [clinic.sb.users.press(person.user, message, data)]


def _begin(clinic: Clinic, index: int, message: SentMessage) -> Answering:
    person = clinic.people[index]
    found = re.search(r"\(week (\d+)\)", message.text or "")
    week = int(found.group(1)) if found else 0  # the baseline has no week number
    rules = clinic.sb.services.protocol.questionnaires
    pgic, mnsi = week >= rules.pgic_from_week, week == 0 or week in rules.mnsi_weeks
    codes = iter(person.behaviour.questionnaire(week, pgic=pgic, mnsi=mnsi))
    return Answering(index, codes, "weekly" if week else "baseline", len(_chat(clinic, person.user.id)))


def _tap(clinic: Clinic, index: int, code: str) -> dict[str, Any] | None:
    """The press of the button with this code on the newest open question; None if there is none."""
    person = clinic.people[index]
    for message in reversed(_chat(clinic, person.user.id)):
        data = [d for d in clinic.sb.users.button_data(message) if d.startswith("q1:")]
        if data:
            match = next((d for d in data if d.split(":")[-1] == code), None)
            if match is None:
                return None
            clinic.transcript.person(person.user.id, f"presses “{button_label(message, match)}”")
            return clinic.sb.users.press(person.user, message, match)
    return None


def _done(clinic: Clinic, a: Answering) -> None:
    clinic.presses.setdefault(a.kind, []).append(a.presses)
    # the question message itself, and whatever else the bot sent while the patient answered
    sent = len(_chat(clinic, clinic.people[a.index].user.id))
    clinic.chat_messages.setdefault(a.kind, []).append(1 + sent - a.before)


def _chat(clinic: Clinic, chat_id: int) -> list[SentMessage]:
    """The bot's messages to the chat, in the order sent (the stand-in's own list: read, not copied)."""
    return clinic.sb.api.by_chat.get(chat_id, [])
