"""The patient's effort, measured in the simulator (issue 13, "Done when"): presses and bot messages left in
the chat per questionnaire, by kind, in `simulate --json`. A patient with nothing to report answers the
weekly questions with one tap per item: pain, numbness, the impression of change (from week 2), B6
"None of these" and Done, and one "No" per safety question; each questionnaire leaves one message."""

from __future__ import annotations

from bot.simulate.clinic import Config
from bot.simulate.profiles import RED_FLAGS_ASKED
from bot.simulate.run import simulate

B6_NONE = 2  # "None of these", then Done (the safety branch's one-tap "None of these" will make it 1)


async def test_simulate_json_counts_presses_and_messages_per_questionnaire(sqlite_url: str) -> None:
    data = await simulate(Config(1, 3, 7, ("improving",), sqlite_url))
    presses, chat = data["presses_per_questionnaire"], data["chat_messages_per_questionnaire"]
    assert RED_FLAGS_ASKED == 7  # oral B12: no question about reactions after an injection
    assert presses["baseline"] == {"answered": 1, "min": 26, "mean": 26.0, "max": 26}  # 2 + 15 MNSI + 2 + 7
    week_one, later = 2 + B6_NONE + RED_FLAGS_ASKED, 2 + 1 + B6_NONE + RED_FLAGS_ASKED
    assert presses["weekly"]["min"] == week_one == 11 and presses["weekly"]["max"] == later == 12
    assert chat["baseline"]["max"] == 1 and chat["weekly"]["max"] == 1  # one message per questionnaire
