"""The patient's effort, measured in the simulator (issue 13, "Done when"): presses and bot messages left in
the chat per questionnaire, by kind, in `simulate --json`. A patient with nothing to report answers the
weekly questions with one tap per item: pain, numbness, the impression of change (from week 2), B6
"None of these" (one tap) and the red-flag screen's "None of these" (one tap); each questionnaire leaves one
message. Done when: a weekly check-in with nothing to report is at most 8 taps and 3 messages (the MNSI weeks
6, 12 and 24 add its 15 yes/no items: an instrument, not a check-in)."""

from __future__ import annotations

from bot.simulate.clinic import Config
from bot.simulate.run import simulate

B6_NONE = 1  # "None of these" answers at once
RED_FLAGS_NONE = 1  # the red-flag screen's "None of these": one tap for all the symptoms
MNSI = 15


async def test_simulate_json_counts_presses_and_messages_per_questionnaire(sqlite_url: str) -> None:
    data = await simulate(Config(1, 3, 7, ("improving",), sqlite_url))
    presses, chat = data["presses_per_questionnaire"], data["chat_messages_per_questionnaire"]
    baseline = 2 + MNSI + B6_NONE + RED_FLAGS_NONE
    assert presses["baseline"] == {"answered": 1, "min": baseline, "mean": baseline, "max": baseline} == {
        "answered": 1, "min": 19, "mean": 19.0, "max": 19,
    }  # fmt: skip
    week_one, later = 2 + B6_NONE + RED_FLAGS_NONE, 2 + 1 + B6_NONE + RED_FLAGS_NONE
    assert presses["weekly"]["min"] == week_one == 4 and presses["weekly"]["max"] == later == 5
    assert presses["weekly"]["max"] <= 8  # issue 13's done-when
    assert chat["baseline"]["max"] == 1 and chat["weekly"]["max"] == 1  # one message per questionnaire (<= 3)
