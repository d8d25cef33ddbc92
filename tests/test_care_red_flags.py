"""care/red_flags.py: the advice for each red-flag item (CLINICAL.md 'Red flags') and the emergency number
for a time zone; the protocol's optional crisis line."""

from __future__ import annotations

from pathlib import Path

import pytest

from care.instruments import RED_FLAG_ITEMS, RED_FLAG_KEYS
from care.protocol import ProtocolError, load_protocol
from care.red_flags import ADVICE, Advice, Region, advice_for, region_of


def test_every_item_has_advice_and_the_emergency_ones_say_call_now() -> None:
    assert set(ADVICE) == set(RED_FLAG_KEYS)
    for item in RED_FLAG_ITEMS:
        assert (Advice.EMERGENCY in ADVICE[item.key]) is item.emergency, item.key


@pytest.mark.parametrize(
    ("reported", "advice"),
    [
        (("rf_tendon",), (Advice.TENDON,)),  # rest the limb, avoid exercise, contact the doctor today
        (("rf_imbalance",), (Advice.DOCTOR_TODAY,)),  # imbalance alone
        (("rf_bladder_bowel",), (Advice.EMERGENCY,)),  # loss of bladder or bowel control
        (("rf_allergy_rash",), (Advice.DOCTOR_TODAY,)),  # a rash alone
        (("rf_allergy_severe",), (Advice.EMERGENCY,)),  # with trouble breathing or swelling
        (("rf_fluoroquinolone_continuing",), (Advice.PRESCRIBER,)),
        (("rf_confusion_self_harm",), (Advice.EMERGENCY, Advice.CRISIS_LINE)),
        (("rf_imbalance", "rf_weakness", "rf_tendon"), (Advice.EMERGENCY, Advice.TENDON)),  # urgent first, once
        (("rf_allergy_rash", "rf_fluoroquinolone_continuing"), (Advice.DOCTOR_TODAY, Advice.PRESCRIBER)),
        (("rf_injection_allergy",), (Advice.DOCTOR_TODAY,)),  # a retired item (before the split)
    ],
)
def test_advice_for_what_was_reported(reported: tuple[str, ...], advice: tuple[Advice, ...]) -> None:
    found = advice_for(reported)
    assert found.items == advice and found.emergency is (Advice.EMERGENCY in advice)


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("Europe/Berlin", Region.EUROPE),
        ("Europe/Madrid", Region.EUROPE),
        ("Atlantic/Canary", Region.EUROPE),
        ("Europe/London", Region.UK),
        ("America/New_York", Region.US),
        ("America/Indiana/Indianapolis", Region.US),
        ("America/Toronto", Region.US),
        ("Pacific/Honolulu", Region.US),
        ("America/Sao_Paulo", Region.UNKNOWN),
        ("Asia/Tokyo", Region.UNKNOWN),
        ("UTC", Region.UNKNOWN),
    ],
)
def test_the_emergency_number_region_of_a_time_zone(zone: str, region: Region) -> None:
    assert region_of(zone) is region


def test_the_crisis_line_is_optional_and_checked(tmp_path: Path) -> None:
    assert load_protocol(None).red_flags.crisis_line is None
    good = tmp_path / "good.toml"
    good.write_text('[red_flags]\ncrisis_line = "116 123 (Samaritans)"\n', encoding="utf-8")
    assert load_protocol(good).red_flags.crisis_line == "116 123 (Samaritans)"
    bad = tmp_path / "bad.toml"
    bad.write_text('[red_flags]\ncrisis_line = "1"\n', encoding="utf-8")
    with pytest.raises(ProtocolError, match="crisis_line"):
        load_protocol(bad)
