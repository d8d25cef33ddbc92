"""`b12bot demo`: the walking skeleton, scripted, on the local Bot API stand-in. No token needed.

Everything below runs the real Application, handlers, storage and ticks; only Telegram is replaced.
"""

from __future__ import annotations

import shlex
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.render.keyboard_text import keyboard_rows
from bot.sandbox.contract import SentMessage
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.regimens import build_regimen
from services import enrolment

CLINICIAN = VirtualUser(1001, "Dr Demo")
PATIENT = VirtualUser(2001, "Pat")
TTL = timedelta(days=14)
TEAM, ZONE = "Neuro clinic", "Europe/Berlin"
PROGRAM = ".venv/bin/b12bot"  # as `make run` installs it (the same in the lines printed after the demo)


def show(who: str, text: str, at: datetime, tz: str = "Europe/Berlin") -> None:
    from bot.texts.formats import when

    stamp = when(at, tz).replace(",", "")
    lines = text.strip().splitlines() or [""]
    print(f"[{stamp}] {who:>7} │ {lines[0]}")
    for line in lines[1:]:
        print(f"{'':19}{'':>7} │ {line}")


def show_bot(message: SentMessage | None, at: datetime) -> None:
    if message is None:
        return
    show("bot", "\n".join([message.text or "", *keyboard_rows(message.reply_markup)]), at)


def command_line(*argv: str) -> str:
    """A `b12bot` command as the operator would type it: every required option, quoted for a shell."""
    return shlex.join([PROGRAM, *argv])


def team_create_argv() -> list[str]:
    return ["team", "create", "--name", TEAM, "--timezone", ZONE]


def invite_argv(request: enrolment.PatientRequest) -> list[str]:
    return [
        "patient",
        "invite",
        "--team",
        request.team,
        "--alias",
        request.alias,
        "--regimen",
        request.regimen.code,
        "--start",
        request.start.isoformat(),
        "--timezone",
        request.timezone,
        "--time",
        request.reminder_time.strftime("%H:%M"),
        "--qr",
        "invite.png",
    ]


async def run_demo() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        async with Sandbox(database_url=url, start=datetime(2026, 3, 27, 15, 0, tzinfo=UTC)) as sb:
            await _script(sb)
    print("\nThat was the real bot, with Telegram replaced by a local stand-in and time sped up.")
    print("Next: `make test` runs every test; README.md explains going live with a token.")
    return 0


async def _script(sb: Sandbox) -> None:
    now = sb.clock
    print(f"Operator: {command_line(*team_create_argv())}")
    team = await enrolment.create_team(
        sb.services.sessions, name=TEAM, timezone=ZONE, digest_time=time(8), now=now(), ttl=TTL
    )
    print(f"          join link: {sb.link(team.token)}\n")
    await _say(sb, CLINICIAN, f"/start {team.token}")
    regimen = build_regimen("oral-high")
    request = enrolment.PatientRequest(
        team=TEAM,
        alias="MK-17",
        regimen=regimen,
        start=date(2026, 3, 28),
        timezone=ZONE,
        reminder_time=time(9),
    )
    invite = await enrolment.invite_patient(sb.services.sessions, request=request, now=now(), ttl=TTL)
    print(f"\nClinician: {command_line(*invite_argv(request))}")
    print(f"          invite link (also as a QR code): {sb.link(invite.token)}\n")
    await _say(sb, PATIENT, f"/start {invite.token}")
    await _press(sb, "I agree")
    await _questionnaire(sb)
    berlin = ZoneInfo("Europe/Berlin")
    steps = (((28, 9, 0, 30), "Taken"), ((29, 9, 0, 30), "Snooze"), ((29, 9, 31, 0), "Taken"), ((31, 0, 30, 0), None))
    for (day, hour, minute, second), button in steps:
        before = len(sb.api.sent_to(PATIENT.id))
        await sb.run_until(datetime(2026, 3, day, hour, minute, second, tzinfo=berlin).astimezone(UTC))
        for message in sb.api.sent_to(PATIENT.id)[before:]:
            show_bot(message, message.date)
        if button:
            await _press(sb, button)
    print("   (29 Mar was the first day of summer time: still 09:00 local.)")
    print("   (30 Mar went unanswered: one nudge after 2 hours, then 'not confirmed' at midnight.)")
    await _say(sb, PATIENT, "/status")
    print("   (The patient moves the reminders half an hour earlier, then switches to Spanish.)")
    await _say(sb, PATIENT, "/time 08:30")
    await _say(sb, PATIENT, "/language es")
    await _say(sb, PATIENT, "/status")


# pain, numbness, the MNSI, B6 "None of these" (one tap), the red-flag screen's "None of these" (one tap)
BASELINE_CODES = ["6", "5"] + ["n"] * 15 + ["t5", "n"]


async def _questionnaire(sb: Sandbox) -> None:
    """The baseline questionnaire: the first answers shown, the rest answered quietly."""
    before = len(sb.api.sent_to(PATIENT.id))
    await sb.tick()
    for message in sb.api.sent_to(PATIENT.id)[before:]:
        show_bot(message, sb.clock())
    for i, code in enumerate(BASELINE_CODES):
        question = next(m for m in reversed(sb.api.sent_to(PATIENT.id)) if m.reply_markup)
        data = next(d for d in sb.users.button_data(question) if d.endswith(f":{code}"))
        before = len(sb.api.sent_to(PATIENT.id))
        await sb.send(sb.users.press(PATIENT, question, data))
        if i < 2:  # the 0-10 buttons are labelled with their number
            show("patient", f"(presses “{code}”)", sb.clock())
            for message in sb.api.sent_to(PATIENT.id)[before:] or [question]:  # the question, edited in place
                show_bot(message, sb.clock())
    show("patient", f"(answers the other {len(BASELINE_CODES) - 2} questions)", sb.clock())
    show_bot(sb.api.last_to(PATIENT.id), sb.clock())


async def _say(sb: Sandbox, user: VirtualUser, text: str) -> None:
    who = "patient" if user is PATIENT else "doctor"
    show(who, text if not text.startswith("/start ") else "/start <link token>", sb.clock())
    before = len(sb.api.sent_to(user.id))
    await sb.send(sb.users.text(user, text))
    for message in sb.api.sent_to(user.id)[before:]:
        show_bot(message, sb.clock())


async def _press(sb: Sandbox, label: str) -> None:
    message = next(m for m in reversed(sb.api.sent_to(PATIENT.id)) if m.reply_markup)
    show("patient", f"(presses “{label}”)", sb.clock())
    before = len(sb.api.sent_to(PATIENT.id))
    before_text = message.text or ""
    await sb.send(sb.users.press_button(PATIENT, message, label))
    edited = sb.api.messages[(PATIENT.id, message.message_id)].text or ""
    if edited != before_text:
        answer = [part for part in edited.split("\n\n") if part.strip()][-2]
        show("bot", f"(edits the message: {answer} Buttons removed.)", sb.clock())
    else:
        show("bot", "(removes the buttons)", sb.clock())
    for new in sb.api.sent_to(PATIENT.id)[before:]:
        show_bot(new, sb.clock())
