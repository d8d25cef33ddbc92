"""Answering questionnaires as a patient would: find the current question, press a button."""

from __future__ import annotations

from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser


def current_question(sb: Sandbox, user: VirtualUser) -> SentMessage:
    for message in reversed(sb.api.sent_to(user.id)):
        data = sb.users.button_data(message)
        if any(d.startswith("q1:") and not d.endswith(":c") for d in data):
            return message
    raise AssertionError("no open question in the chat")


async def tap(sb: Sandbox, user: VirtualUser, code: str) -> SentMessage:
    """Press the button with this code (e.g. '3', 'y', 'n', 't0', 'd', 'b', 'l') on the current question."""
    message = current_question(sb, user)
    data = next((d for d in sb.users.button_data(message) if d.split(":")[-1] == code), None)
    assert data is not None, f"no button {code!r} on: {message.text}"
    await sb.send(sb.users.press(user, message, data))
    return message


# the tests' patients take oral B12 (helpers.invite): the red-flag screen lists 8 symptoms, none about injections
# (0 tendon, 1 weakness, 2 breathing, 3 chest/belly/back pain, 4 confusion, 5 bladder/bowel, 6 balance, 7 antibiotic)
NO_RED_FLAGS: list[str] = ["n"]  # "None of these": one tap
BEFORE_RED_FLAGS: list[str] = ["6", "5"] + ["n"] * 15 + ["t5"]  # pain, numbness, MNSI, B6: none of these (one tap)
BASELINE_ANSWERS: list[str] = BEFORE_RED_FLAGS + NO_RED_FLAGS


def red_flags(*symptoms: int) -> list[str]:
    """The taps that report these symptoms on the red-flag screen: Yes, one or more; each one; Done."""
    return ["y", *(f"t{i}" for i in symptoms), "d"]


async def answer_all(sb: Sandbox, user: VirtualUser, codes: list[str]) -> None:
    for code in codes:
        await tap(sb, user, code)


def weekly_codes(
    *,
    pain: int,
    numbness: int,
    pgic: int | None,
    mnsi: bool = False,
    b6: list[str] | None = None,
    red: list[str] | None = None,
) -> list[str]:
    codes = [str(pain), str(numbness)]
    if pgic is not None:
        codes.append(str(pgic))
    if mnsi:
        codes += ["n"] * 15
    codes += b6 if b6 is not None else ["t5"]
    codes += red if red is not None else NO_RED_FLAGS
    return codes
