"""The digest renderer: splitting under 4096 characters, never inside a flag; buttons per message."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from bot.render.digest import LIMIT, messages
from bot.render.milestones import verdict_text
from care.digest import Cohort, Figures, cohort, figures_from, is_silent, milestones_between
from care.protocol import Protocol
from schedules.digest_data import Digest, DigestFlag
from schedules.digests import digest_due
from storage.models import Team

PROTOCOL = Protocol()


def digest(n: int) -> Digest:
    figures = Figures(6, 3, 5, 4, 85, 110.0, 14, 12)
    flags = [
        DigestFlag(
            i,
            f"PT-{i:03d}",
            "b6_intake",
            ("urgent", "warning", "info")[i % 3],
            "flag.b6_intake.warning",
            {"total_mg_per_day": 60 + i},
            figures,
        )
        for i in range(1, n + 1)
    ]
    return Digest(
        "Neuro clinic",
        "en",
        date(2026, 10, 6),
        flags,
        ["UR-1"],
        ["SI-1"],
        [("PT-001", 4, date(2026, 10, 7))],
        Cohort(n, 85, n),
    )


def test_many_flags_split_cleanly_with_their_buttons() -> None:
    out = messages(digest(250), PROTOCOL)
    assert len(out) > 1
    seen: list[int] = []
    for text, keyboard in out:
        assert len(text) <= LIMIT
        shown = [int(x) for x in re.findall(r"^#(\d+) · PT-", text, flags=re.M)]
        for flag_id in shown:  # the block is whole: its line, then its figures
            assert re.search(rf"^#{flag_id} · PT-{flag_id:03d}: .+\n    pain 6 → 3 · ", text, flags=re.M)
        assert keyboard is not None
        data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
        assert data == [f"f1:{i}:{a}" for i in shown for a in "am"]
        assert len(data) <= 100 and all(len(str(d).encode()) <= 64 for d in data)
        seen += shown
    assert sorted(seen) == list(range(1, 251))
    assert sum(text.count("🔴 Urgent") for text, _ in out) == 1
    assert "Cohort: 250 active" in out[-1][0] and "(part 1 of" in out[0][0]


def test_a_quiet_day_is_one_short_line_or_nothing_as_the_team_chose() -> None:
    ((text, keyboard),) = messages(Digest("Neuro clinic", "en", date(2026, 10, 6)), PROTOCOL)
    assert text == "📋 Neuro clinic · Tue 6 Oct 2026: nothing new since the last digest." and keyboard is None
    assert messages(Digest("Neuro clinic", "en", date(2026, 10, 6), empty_digest="quiet"), PROTOCOL) == []
    quiet_but_not_empty = Digest("Neuro clinic", "en", date(2026, 10, 6), silent=["SI-1"], empty_digest="quiet")
    assert "SI-1" in messages(quiet_but_not_empty, PROTOCOL)[0][0]


def test_digest_time_follows_the_team_zone_across_dst() -> None:
    team = Team(name="x", timezone="Europe/Berlin", digest_time="08:00")
    assert digest_due(team, date(2026, 10, 24)) == datetime(2026, 10, 24, 6, tzinfo=UTC)
    assert digest_due(team, date(2026, 10, 25)) == datetime(2026, 10, 25, 7, tzinfo=UTC)


def test_pure_parts() -> None:
    assert milestones_between(date(2026, 1, 1), date(2026, 1, 29), date(2026, 2, 12), PROTOCOL.verdicts) == [
        (4, date(2026, 1, 29)),
        (6, date(2026, 2, 12)),
    ]
    enrolled = datetime(2026, 1, 1, tzinfo=UTC)
    assert not is_silent(None, enrolled, datetime(2026, 1, 7, 23, tzinfo=UTC))
    assert is_silent(None, enrolled, datetime(2026, 1, 8, tzinfo=UTC))
    f = figures_from(
        [{"pain": 6, "numbness": 5}, {"pain": 3, "numbness": 4, "b6_mg_per_day_reported": 20.0}],
        regimen_b6=5.0,
        due=10,
        taken=8,
    )
    assert (f.baseline_pain, f.latest_pain, f.adherence_pct, f.b6_mg_per_day) == (6, 3, 80, 25.0)
    assert cohort(3, [80, None, 90], 2) == Cohort(3, 85, 2)


def test_week_twelve_verdict_suggests_rechecking_b12() -> None:
    facts = {
        "week": 12,
        "outcome": "partial",
        "baseline_pain": 6,
        "latest_pain": 4,
        "reduction_points": 2,
        "reduction_pct": 33.3,
        "pgic": "much_improved",
        "latest_numbness": 3,
        "suggestions": ["consider_rechecking_b12"],
        "adherence_fraction": 0.9,
        "b6_total_mg_per_day": 5.0,
        "baseline_b12": "180 ng/L on 2026-09-01",
    }
    text = verdict_text({"alias": "MK-17", "flag_id": 9, "facts": facts}, PROTOCOL.b6)
    assert "MK-17: week 12 milestone, verdict: partial improvement" in text
    assert "Pain 6 → 4 (fell 2 points, 33.3%)" in text and "Doses confirmed (last 14 days): 90%" in text
    assert "Impression of change: much better" in text and "B6: 5 mg/day in total" in text
    assert "consider rechecking B12" in text and "180 ng/L" in text and "/ack 9" in text


def test_one_patient_with_two_flags_shows_the_figures_once_and_counts_in_words() -> None:
    figures = Figures(6, 8, 5, 5, None, None, 0, 0)
    flags = [
        DigestFlag(1, "MK-17", "worsening", "warning", "flag.worsening", {"pain": 8, "baseline_pain": 6}, figures),
        DigestFlag(2, "MK-17", "b6_unsure", "info", "flag.b6_unsure", {"products": ["multivitamin"]}, figures),
    ]
    ((text, _),) = messages(Digest("Neuro clinic", "en", date(2026, 10, 6), flags, cohort=Cohort(1, None, 1)), PROTOCOL)
    assert text.count("pain 6 → 8") == 1
    assert "Worsening: pain 6 at baseline, now 8 (0-10). Call the patient this week." in text
    assert "not sure how much they take (Multivitamin)" in text
    assert text.endswith("Cohort: 1 active patient · 1 open flag"), text
