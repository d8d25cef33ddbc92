"""Issue 13, done when: black-box runs of the demo and of a 4-week simulated cohort show no internal key in
any text a person reads (patients and care team): no `snake_case=` fact, no `rf_`/`q_` item key."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.demo import run_demo
from bot.sandbox.harness import Sandbox
from bot.simulate.clinic import START, Clinic, Config

# a `name=` fact (not a link's ?start=), a red-flag item key, a question key
INTERNAL = re.compile(r"(?<![?&\w])[a-z][a-z0-9_]*=|\brf_[a-z]|\bq_[a-z]")
TEXT_METHODS = {"sendMessage": "text", "editMessageText": "text", "sendPhoto": "caption", "sendDocument": "caption"}
PROFILES = ("high_b6", "red_flag")  # B6 alerts (urgent, warning, not sure), a red flag, digests, week 4
WEEKS = 4


def hits(text: str) -> list[str]:
    return INTERNAL.findall(text)


def texts_of(params: dict[str, Any], method: str) -> list[str]:
    """The text of a call as a person sees it: the message (or caption), its buttons, a press's answer."""
    out = [str(params.get(TEXT_METHODS.get(method, "text")) or "")]
    markup = params.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup or {}
    out += [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]
    return out


def test_the_patterns_find_what_they_are_for() -> None:
    assert hits("Details: item=rf_chest_abdomen_back_pain") == ["item=", "rf_c"]
    assert hits("total_mg_per_day=500.0, week=3") == ["total_mg_per_day=", "week="]
    assert hits("q_pain") == ["q_p"] and not hits("Red flag: the patient reports sudden severe chest pain.")
    assert not hits("/delete_my_data · /pause_patient MK-17 · Europe/Berlin · America/New_York")
    assert not hits("https://t.me/b12_bot?start=AbC_dEf-123 (valid until Sat 19 Dec)")


async def test_the_demo_shows_no_internal_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo() == 0
    out = capsys.readouterr().out
    assert "Time for your vitamin B12" in out
    assert [line for line in out.splitlines() if hits(line)] == []


async def test_a_four_week_cohort_sends_no_internal_key_to_anyone(sqlite_url: str) -> None:
    config = Config(len(PROFILES), WEEKS, 7, PROFILES, sqlite_url)
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await Clinic(sb, config, None).run(None)
        calls = [c for c in sb.api.calls if c.method in (*TEXT_METHODS, "answerCallbackQuery")]
    seen = [(c.method, text) for c in calls for text in texts_of(c.params, c.method) if text]
    assert len(seen) > 200  # a real run: reminders, questions, alerts, digests
    team = [text for _, text in seen if "Urgent" in text or "Daily digest" in text]
    assert any("Red flag" in text for text in team) and any("Vitamin B6" in text for text in team)
    assert [(method, text) for method, text in seen if hits(text)] == []
