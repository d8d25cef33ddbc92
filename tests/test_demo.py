"""`b12bot demo`, what `make run` plays for a newcomer without a token: the real Application end to end."""

from __future__ import annotations

import pytest

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
