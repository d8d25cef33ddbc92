"""Flag rules: severities, episodes (idempotence), facts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from care.adherence import DoseRecord
from care.flags import (
    Flag,
    FlagKind,
    ResponseFacts,
    Severity,
    flag_for_unreachable,
    flags_for_adherence,
    flags_for_missed,
    flags_for_response,
    red_flag_flags,
)
from care.instruments import RED_FLAG_KEYS
from care.pgic import Pgic
from care.protocol import default_protocol
from care.scoring import QuestionnaireScore

P = default_protocol()


def score(
    pain: int = 5, numbness: int = 5, pgic: Pgic | None = None, b6: float | None = 0.0, red: tuple[str, ...] = ()
) -> QuestionnaireScore:
    products = ("none",) if b6 == 0 else ("b_complex",)
    rng = None if b6 == 0 else "not_sure" if b6 is None else "custom"
    return QuestionnaireScore(pain, numbness, pgic, None, None, products, rng, b6, b6 is None, red)


def run(
    week: int, latest: QuestionnaireScore, baseline: QuestionnaireScore | None = None, **kw: object
) -> tuple[Flag, ...]:
    base = score() if baseline is None and week > 0 else baseline
    facts = ResponseFacts("r1", week, latest, base, base, **kw)  # type: ignore[arg-type]
    return flags_for_response(facts, P)


def kinds(flags: tuple[Flag, ...]) -> list[tuple[FlagKind, Severity, str]]:
    return [(f.kind, f.severity, f.episode) for f in flags]


def test_nothing_to_flag() -> None:
    assert run(3, score(pgic=Pgic.NO_CHANGE)) == ()
    assert run(0, score()) == ()


@pytest.mark.parametrize("key", RED_FLAG_KEYS)
def test_every_red_flag_is_urgent(key: str) -> None:
    (flag,) = run(3, score(pgic=Pgic.NO_CHANGE, red=(key,)))
    assert (flag.kind, flag.severity, flag.episode) == (FlagKind.RED_FLAG, Severity.URGENT, f"response:r1:{key}")
    assert flag.summary_key == f"flag.red_flag.{key}"
    emergency = key in (  # CLINICAL.md 'Red flags': 2, 3, 4, 5, 6 (loss of control), 8 (breathing, swelling)
        "rf_weakness", "rf_breathing_swallowing", "rf_chest_abdomen_back_pain", "rf_confusion_self_harm",
        "rf_bladder_bowel", "rf_allergy_severe",
    )  # fmt: skip
    assert flag.facts["emergency"] is emergency


def test_red_flags_during_the_questionnaire_match_the_completed_run() -> None:
    early = red_flag_flags("r1", ["rf_tendon"])
    later = run(0, score(red=("rf_tendon", "rf_weakness")))
    assert early[0] == later[0]
    assert {f.episode for f in later} == {"response:r1:rf_tendon", "response:r1:rf_weakness"}


@pytest.mark.parametrize(
    ("b6", "regimen", "severity", "tier"),
    [
        (10, 0.0, None, None),
        (10, 0.5, Severity.INFO, "info"),
        (50, 0.0, Severity.INFO, "info"),
        (100, 0.0, Severity.WARNING, "warning"),
        (500, 0.0, Severity.URGENT, "urgent"),
        (60, 45.0, Severity.URGENT, "urgent"),  # the regimen's B6 counts
    ],
)
def test_b6_flags(b6: float, regimen: float, severity: Severity | None, tier: str | None) -> None:
    flags = run(0, score(b6=b6), regimen_b6_mg_per_day=regimen)
    if severity is None:
        assert flags == ()
        return
    (flag,) = flags
    assert (flag.kind, flag.severity, flag.episode) == (FlagKind.B6_INTAKE, severity, f"week:0:tier:{tier}")
    assert flag.summary_key == f"flag.b6_intake.{tier}"
    assert flag.facts["total_mg_per_day"] == b6 + regimen


def test_b6_source_figure_and_raise_in_facts() -> None:
    (flag,) = run(3, score(numbness=7, b6=1000, pgic=Pgic.NO_CHANGE), baseline=score(numbness=5))
    assert flag.facts["source_threshold_reached"] is True
    assert flag.facts["source_figure_mg"] == 500
    (raised,) = run(3, score(numbness=7, b6=50, pgic=Pgic.NO_CHANGE), baseline=score(numbness=5))
    assert (raised.severity, raised.facts["base_tier"], raised.facts["raised"]) == (Severity.WARNING, "info", True)


def test_b6_not_sure_is_a_review_flag() -> None:
    flags = run(3, score(b6=None, pgic=Pgic.NO_CHANGE), regimen_b6_mg_per_day=20.0)
    assert kinds(flags) == [
        (FlagKind.B6_INTAKE, Severity.INFO, "week:3:tier:info"),
        (FlagKind.B6_UNSURE, Severity.INFO, "week:3"),
    ]


def test_worsening_is_a_warning() -> None:
    (flag,) = run(4, score(pain=7, pgic=Pgic.NO_CHANGE), baseline=score(pain=5))
    assert (flag.kind, flag.severity, flag.episode) == (FlagKind.WORSENING, Severity.WARNING, "week:4")
    assert flag.facts["reasons"] == ["pain"]
    (flag,) = run(4, score(pain=5, pgic=Pgic.VERY_MUCH_WORSE), baseline=score(pain=5))
    assert (flag.facts["reasons"], flag.facts["pgic"]) == (["pgic"], "very_much_worse")


def test_poor_at_week_6_lists_the_facts_and_suggests_escalation() -> None:
    (flag,) = run(6, score(pain=6, b6=8, pgic=Pgic.NO_CHANGE), baseline=score(pain=6),
                  regimen_b6_mg_per_day=2.0, adherence_fraction=0.75, baseline_b12="180 ng/L")  # fmt: skip
    assert (flag.kind, flag.severity, flag.episode) == (
        FlagKind.POOR_IMPROVEMENT, Severity.WARNING, "milestone:week:6",
    )  # fmt: skip
    assert flag.facts["suggestions"] == ["consider_im_or_higher_dose"]
    assert (flag.facts["adherence_fraction"], flag.facts["b6_total_mg_per_day"]) == (0.75, 10.0)
    assert flag.facts["baseline_b12"] == "180 ng/L"
    assert flag.summary_key == "flag.poor_improvement.poor"


@pytest.mark.parametrize(
    ("week", "pain", "numbness", "pgic", "summary"),
    [
        (6, 3, 3, Pgic.MUCH_IMPROVED, "flag.milestone_verdict.good"),
        (12, 6, 3, Pgic.MUCH_IMPROVED, "flag.milestone_verdict.partial"),
        (24, 2, 0, Pgic.MUCH_IMPROVED, "flag.milestone_verdict.residual_symptoms"),
        (24, 0, 0, Pgic.VERY_MUCH_IMPROVED, "flag.milestone_verdict.good"),
    ],
)
def test_milestone_verdicts_are_info(week: int, pain: int, numbness: int, pgic: Pgic, summary: str) -> None:
    (flag,) = run(week, score(pain=pain, numbness=numbness, pgic=pgic), baseline=score(pain=10))
    assert (flag.kind, flag.severity, flag.episode, flag.summary_key) == (
        FlagKind.MILESTONE_VERDICT, Severity.INFO, f"milestone:week:{week}", summary,
    )  # fmt: skip


def test_same_facts_give_the_same_flags() -> None:
    latest = score(pain=9, b6=500, pgic=Pgic.MUCH_WORSE, red=("rf_tendon",))
    first, again = run(12, latest), run(12, latest)
    assert first == again and len(first) == 4
    assert len({(f.kind, f.episode) for f in first}) == 4
    for flag in first:
        json.dumps(dict(flag.facts))
        with pytest.raises(TypeError):
            flag.facts["x"] = 1  # type: ignore[index]
        hash(flag)


START = datetime(2025, 3, 3, 7, tzinfo=UTC)
DAY = timedelta(days=1)


def test_adherence_flags() -> None:
    doses = [DoseRecord(f"d{i}", START + i * DAY, "taken" if i % 2 else "unconfirmed") for i in range(20)]
    doses.append(DoseRecord("inj", START + 3 * DAY, "unconfirmed", injection=True))
    flags = flags_for_adherence(doses, START + 20 * DAY, START, P)
    assert kinds(flags) == [
        (FlagKind.LOW_ADHERENCE, Severity.WARNING, f"window:{(START + 14 * DAY).isoformat()}"),
        (FlagKind.INJECTION_UNCONFIRMED, Severity.WARNING, "dose:inj"),
    ]
    assert flags[0].facts["skipped"] == 0
    json.dumps(dict(flags[0].facts))
    # a day later the same block: the same episode, nothing new for the store
    assert flags_for_adherence(doses, START + 21 * DAY, START, P)[0].episode == flags[0].episode


@pytest.mark.parametrize(
    ("history", "episodes"),
    [
        ([(1, "expired"), (2, "expired")], ["week:2"]),
        ([(1, "expired")], []),
        ([(1, "expired"), (2, "completed"), (3, "expired")], []),
        ([(1, "expired"), (2, "expired"), (3, "expired"), (4, "expired")], ["week:2"]),
        ([(4, "expired"), (1, "expired"), (2, "expired"), (3, "completed"), (5, "expired")], ["week:2", "week:5"]),
        ([(1, "expired"), (2, "open"), (3, "expired")], ["week:3"]),
        ([(0, "completed"), (1, "completed"), (2, "open")], []),
    ],
)
def test_missed_questionnaires(history: list[tuple[int, str]], episodes: list[str]) -> None:
    flags = flags_for_missed(history, P)
    assert [f.episode for f in flags] == episodes
    assert all((f.kind, f.severity) == (FlagKind.MISSED_QUESTIONNAIRES, Severity.WARNING) for f in flags)


def test_missed_refuses_unknown_status() -> None:
    with pytest.raises(ValueError, match="unknown questionnaire status"):
        flags_for_missed([(1, "lost")], P)


@pytest.mark.parametrize(
    ("blocked_at", "episode"),
    [
        (datetime(2025, 3, 3, 23, 30, tzinfo=UTC), "blocked:2025-03-03"),
        (datetime(2025, 3, 4, 1, 30, tzinfo=timezone(timedelta(hours=3))), "blocked:2025-03-03"),
        (datetime(2025, 3, 4, 1, 30), "blocked:2025-03-04"),
    ],
)
def test_unreachable(blocked_at: datetime, episode: str) -> None:
    flag = flag_for_unreachable(blocked_at)
    assert (flag.kind, flag.severity, flag.episode, flag.summary_key) == (
        FlagKind.UNREACHABLE, Severity.WARNING, episode, "flag.unreachable",
    )  # fmt: skip
