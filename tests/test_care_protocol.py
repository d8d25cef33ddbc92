"""Protocol sections for the questionnaire and flag rules: defaults, sources, TOML overrides, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from care.b6 import B6Tier, b6_tier
from care.protocol import Protocol, ProtocolError, default_protocol, load_protocol, sources

NEW_SECTIONS = ("b6", "questionnaires", "verdicts", "adherence")


def _load(tmp_path: Path, text: str) -> Protocol:
    path = tmp_path / "protocol.toml"
    path.write_text(text, encoding="utf-8")
    return load_protocol(path)


def test_defaults_follow_clinical_md() -> None:
    p = default_protocol()
    assert (p.b6.info_above_mg, p.b6.warning_above_mg, p.b6.urgent_above_mg, p.b6.source_figure_mg) == (
        10, 50, 100, 500,
    )  # fmt: skip
    assert p.questionnaires.mnsi_weeks == (6, 12, 24)
    assert p.questionnaires.pgic_from_week == 2
    assert p.questionnaires.mnsi_abnormal_at_least == 4
    assert p.verdicts.milestone_weeks == (6, 12, 24)
    assert (p.adherence.window_days, p.adherence.low_below_pct) == (14, 80)
    assert [r.key for r in p.b6.dose_ranges] == ["none", "under_10", "10_50", "50_100", "100_500", "over_500"]


def test_every_new_setting_names_its_source() -> None:
    found = sources()
    for section in NEW_SECTIONS:
        names = [k for k in found if k.startswith(section + ".")]
        assert names, section
        for name in names:
            assert "CLINICAL.md" in found[name] or "Source document" in found[name], name


def test_a_valid_override_changes_a_threshold(tmp_path: Path) -> None:
    p = _load(tmp_path, "[b6]\nwarning_above_mg = 40\n[questionnaires]\nmnsi_abnormal_at_least = 7\n")
    assert p.b6.warning_above_mg == 40
    assert b6_tier(45, p.b6) is B6Tier.WARNING
    assert b6_tier(45, default_protocol().b6) is B6Tier.INFO
    assert p.questionnaires.mnsi_abnormal_at_least == 7
    assert p.b6.urgent_above_mg == 100  # untouched defaults stay


def test_dose_ranges_can_be_overridden(tmp_path: Path) -> None:
    text = """
[[b6.dose_ranges]]
key = "none"
above_mg = 0
up_to_mg = 0
assumed_mg = 0
[[b6.dose_ranges]]
key = "low"
above_mg = 0
up_to_mg = 25
assumed_mg = 25
[[b6.dose_ranges]]
key = "high"
above_mg = 25
assumed_mg = 200
"""
    p = _load(tmp_path, text)
    assert [(r.key, r.up_to_mg) for r in p.b6.dose_ranges] == [("none", 0), ("low", 25), ("high", None)]


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[b6]\nwarn_above = 40\n", "b6.warn_above"),
        ("[verdicts]\nearly_week = 'six'\n", "verdicts.early_week"),
        ("[adherence]\nlow_below_pct = 'high'\n", "adherence.low_below_pct"),
        ("[b6]\nwarning_above_mg = 5\n", "b6.warning_above_mg"),
        ("[b6]\nsource_figure_mg = 100\n", "b6.source_figure_mg"),
        ("[verdicts]\nmonth3_week = 30\n", "verdicts.month6_week"),
        ("[verdicts]\nsubstantial_pct = 25\n", "verdicts.substantial_pct"),
        ("[verdicts]\npoor_pgic_below = 'no_change'\nearly_poor_pgic = 'much_improved'\n", "verdicts.poor_pgic_below"),
        ("[verdicts]\nworsening_pgic = 'somewhat'\n", "verdicts.worsening_pgic"),
        ("[verdicts]\nworsening_pgic = 'no_change'\n", "verdicts.worsening_pgic"),
        ("[questionnaires]\nmnsi_weeks = [12, 6]\n", "questionnaires.mnsi_weeks"),
        ("[questionnaires]\nmnsi_abnormal_at_least = 14\n", "questionnaires.mnsi_abnormal_at_least"),
        ("[questionnaires]\npgic_from_week = 8\n", "questionnaires.pgic_from_week"),
        ("[unknown]\nx = 1\n", "unknown"),
        (
            "[[b6.dose_ranges]]\nkey='none'\nabove_mg=0\nup_to_mg=0\nassumed_mg=0\n"
            "[[b6.dose_ranges]]\nkey='gap'\nabove_mg=5\nassumed_mg=9\n",
            "b6.dose_ranges[1]",
        ),
        (
            "[[b6.dose_ranges]]\nkey='a'\nabove_mg=0\nup_to_mg=10\nassumed_mg=20\n"
            "[[b6.dose_ranges]]\nkey='b'\nabove_mg=10\nassumed_mg=30\n",
            "b6.dose_ranges[0] (a).assumed_mg",
        ),
    ],
)
def test_bad_files_raise_naming_the_key(tmp_path: Path, toml: str, named: str) -> None:
    with pytest.raises(ProtocolError) as err:
        _load(tmp_path, toml)
    assert named in str(err.value)
