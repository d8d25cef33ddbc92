"""`b12bot demo`, what `make run` plays for a newcomer without a token: the real Application end to end."""

from __future__ import annotations

import shlex

import pytest

from bot.cli import parser
from bot.demo import run_demo


async def test_the_demo_shows_enrolment_reminders_a_time_change_and_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo() == 0
    out = capsys.readouterr().out
    for seen in (
        "Do you agree?",  # consent
        "Time for your vitamin B12",  # a reminder
        "A gentle reminder",  # the nudge of an unanswered dose
        "Next dose: Tue 31 Mar, 09:00.",  # /status before the change
        "Done: your reminders now come at 08:30",  # /time
        "Próxima dosis: mar, 31 mar, 8:30.",  # /status in Spanish after /language es
    ):
        assert seen in out, seen
    assert "Traceback" not in out
    # issue 13: the commands it prints can be pasted (the real parser takes them, every required option given)
    printed = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in out.splitlines() if ": .venv/" in line}
    assert set(printed) == {"Operator", "Clinician"}
    team = parser().parse_args(shlex.split(printed["Operator"])[1:])
    assert (team.command, team.action, team.name, team.timezone) == ("team", "create", "Neuro clinic", "Europe/Berlin")
    invite = parser().parse_args(shlex.split(printed["Clinician"])[1:])
    assert (invite.command, invite.action, invite.team, invite.alias, invite.timezone, str(invite.time)) == (
        "patient",
        "invite",
        "Neuro clinic",
        "MK-17",
        "Europe/Berlin",
        "09:00:00",
    )
    assert (invite.regimen, invite.start.isoformat(), invite.qr) == ("oral-high", "2026-03-28", "invite.png")
    # keyboards drawn row by row, as the bot sends them: the 0-10 scale on two rows, then Later
    bar = "│ "
    lines = [line.split(bar, 1)[1] for line in out.splitlines() if bar in line]
    first = lines.index("[ 0 ] [ 1 ] [ 2 ] [ 3 ] [ 4 ] [ 5 ]")
    assert lines[first + 1 : first + 3] == ["[ 6 ] [ 7 ] [ 8 ] [ 9 ] [ 10 ]", "[ Later ]"]
    assert "[ I agree ] [ No thanks ]" in lines
