"""Flags from stored facts, end to end: verdicts at week 6, low adherence, unreachable; the protocol file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import Flag, Questionnaire
from tests.helpers import enrol, invite, team_with_member
from tests.qhelpers import BASELINE_ANSWERS, answer_all, weekly_codes

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # therapy starts Tuesday 6 Oct, 09:00 Berlin
WEEK1 = datetime(2026, 10, 13, 7, 0, 30, tzinfo=UTC)
WINTER = timedelta(hours=1)  # Berlin leaves summer time on 25 Oct


def week_start(n: int) -> datetime:
    moment = WEEK1 + timedelta(days=7 * (n - 1))
    return moment + (WINTER if moment > datetime(2026, 10, 25, tzinfo=UTC) else timedelta(0))


async def flags(sb: Sandbox) -> list[Flag]:
    async with sb.services.sessions() as session:
        return list((await session.exec(select(Flag).order_by(col(Flag.id)))).all())


@pytest.mark.parametrize(
    ("pains", "pgics", "kind", "outcome"),
    [
        ([5, 4, 3, 3, 2, 2], [None, 2, 2, 1, 1, 1], "milestone_verdict", "good"),
        ([6, 6, 6, 6, 6, 6], [None, 3, 3, 3, 3, 3], "poor_improvement", "poor"),
    ],
)
async def test_week_six_verdict_for_improving_and_non_improving(
    sqlite_url: str, pains: list[int], pgics: list[int | None], kind: str, outcome: str
) -> None:
    """Seven questionnaires through the buttons: SQLite only, to keep the suite's time (the verdict's
    storage is covered on PostgreSQL by tests/test_milestones_e2e.py)."""
    database_url = sqlite_url
    user = VirtualUser(2001, "Wilhelmina")
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, user, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, user, BASELINE_ANSWERS)  # baseline pain 6
        for week, (pain, pgic) in enumerate(zip(pains, pgics, strict=True), start=1):
            await sb.run_until(week_start(week))
            await answer_all(sb, user, weekly_codes(pain=pain, numbness=4, pgic=pgic, mnsi=week == 6))
        verdicts = [f for f in await flags(sb) if f.episode == "milestone:week:6"]
        assert len(verdicts) == 1 and verdicts[0].kind == kind and verdicts[0].facts["outcome"] == outcome
        if outcome == "poor":
            assert verdicts[0].facts["suggestions"] == ["consider_im_or_higher_dose"]
        async with sb.services.sessions() as session:
            weeks = (await session.exec(select(Questionnaire.week).where(Questionnaire.status == "completed"))).all()
        assert sorted(weeks) == [0, 1, 2, 3, 4, 5, 6]


async def test_forgetful_patient_raises_low_adherence_once(sqlite_url: str) -> None:
    database_url = sqlite_url  # twenty days of reminders: SQLite only, for the suite's time
    user = VirtualUser(2001, "Wilhelmina")
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, user, await invite(sb, start=date(2026, 10, 6)))
        await sb.tick()
        await answer_all(sb, user, BASELINE_ANSWERS)
        day = datetime(2026, 10, 6, 7, 0, 5, tzinfo=UTC)
        for n in range(20):  # answers every third reminder only: ~33%
            moment = (
                day
                + timedelta(days=n)
                + (WINTER if day + timedelta(days=n) > datetime(2026, 10, 25, tzinfo=UTC) else timedelta(0))
            )
            await sb.run_until(moment)
            reminder = next(
                m for m in reversed(sb.api.sent_to(user.id)) if "Time for your vitamin B12" in (m.text or "")
            )
            if n % 3 == 0 and reminder.reply_markup:
                await sb.send(sb.users.press_button(user, reminder, "Taken"))
        low = [f for f in await flags(sb) if f.kind == "low_adherence"]
        assert len(low) == 1 and low[0].severity == "warning"
        assert float(str(low[0].facts["fraction"])) < 0.8


async def test_blocking_raises_an_unreachable_flag(database_url: str) -> None:
    user = VirtualUser(2001, "Wilhelmina")
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, user, await invite(sb, start=date(2026, 10, 6)))
        await sb.send(sb.users.my_chat_member(user, status_new="kicked"))
        (flag,) = await flags(sb)
        assert (flag.kind, flag.severity) == ("unreachable", "warning")


async def test_protocol_file_override_changes_a_threshold(database_url: str, tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.toml"
    protocol.write_text("[questionnaires]\nexpire_after_days = 1\n")
    user = VirtualUser(2001, "Wilhelmina")
    async with Sandbox(database_url=database_url, start=START, protocol_file=protocol) as sb:
        assert sb.services.protocol.questionnaires.expire_after_days == 1
        await team_with_member(sb)
        await enrol(sb, user, await invite(sb, start=date(2026, 10, 6)))
        await sb.run_until(START + timedelta(days=1, minutes=5))
        assert any("questions have closed" in (m.text or "") for m in sb.api.sent_to(user.id))


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("[questionnaires]\nexpire_after_days = 0\n", "questionnaires.expire_after_days"),
        ("[b6]\nwarning_above_mg = 5\n", "b6.warning_above_mg"),
        ("[doses]\nsnooze_minuts = 30\n", "doses.snooze_minuts"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_a_bad_protocol_file_stops_start_up_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str, named: str
) -> None:
    protocol = tmp_path / "protocol.toml"
    protocol.write_text(content)
    monkeypatch.setenv("B12BOT_PROTOCOL_FILE", str(protocol))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/b.db")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "A" * 35)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert named in err and "AAAAAAAA" not in err
