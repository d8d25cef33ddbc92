"""What a patient is told for each red-flag symptom (CLINICAL.md 'Red flags: ... advice to the patient').

Pure: the item keys of care.instruments.RED_FLAG_ITEMS to advice, and a time zone to the emergency
number(s) to name. Sources, as CLINICAL.md names them: levofloxacin label boxed warning and patient guide
(stop exercise and rest at the first sign of tendon pain); FDA safety communications 2013, 2016, 2018;
MHRA 2019/2024; general emergency guidance for rapidly ascending weakness and new loss of sphincter control.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Advice(StrEnum):
    EMERGENCY = "emergency"  # call the local emergency number now
    TENDON = "tendon"  # rest the painful limb, avoid exercise and strenuous use, contact your doctor today
    DOCTOR_TODAY = "doctor_today"  # contact your doctor today
    PRESCRIBER = "prescriber"  # tell the prescriber today; do not stop or change any medicine on your own
    CRISIS_LINE = "crisis_line"  # thoughts of self-harm: also a crisis line, where the protocol names one


# CLINICAL.md 'Red flags' table, column "patient advice", per item (6 and 8 split by the answer).
ADVICE: dict[str, tuple[Advice, ...]] = {
    "rf_tendon": (Advice.TENDON,),  # 1
    "rf_weakness": (Advice.EMERGENCY,),  # 2 (a Guillain-Barré-like picture needs same-day assessment)
    "rf_breathing_swallowing": (Advice.EMERGENCY,),  # 3
    "rf_chest_abdomen_back_pain": (Advice.EMERGENCY,),  # 4
    "rf_confusion_self_harm": (Advice.EMERGENCY, Advice.CRISIS_LINE),  # 5
    "rf_bladder_bowel": (Advice.EMERGENCY,),  # 6, loss of bladder or bowel control
    "rf_imbalance": (Advice.DOCTOR_TODAY,),  # 6, imbalance alone
    "rf_fluoroquinolone_continuing": (Advice.PRESCRIBER,),  # 7
    "rf_allergy_severe": (Advice.EMERGENCY,),  # 8, with trouble breathing or swelling of the face or throat
    "rf_allergy_rash": (Advice.DOCTOR_TODAY,),  # 8, a rash alone
}
_ORDER = tuple(Advice)


@dataclass(frozen=True)
class RedFlagAdvice:
    """The advice for the symptoms a patient reported, most urgent first, each once."""

    items: tuple[Advice, ...]

    @property
    def emergency(self) -> bool:
        return Advice.EMERGENCY in self.items


def advice_for(keys: Iterable[str]) -> RedFlagAdvice:
    """The advice for the red-flag items answered yes (unknown keys: a retired item, contact the doctor)."""
    found = {a for key in keys for a in ADVICE.get(key, (Advice.DOCTOR_TODAY,))}
    if Advice.TENDON in found:
        found.discard(Advice.DOCTOR_TODAY)  # the tendon advice already says "contact your doctor today"
    return RedFlagAdvice(tuple(a for a in _ORDER if a in found))


class Region(StrEnum):
    EUROPE = "europe"  # 112
    UK = "uk"  # 999 (112 works too)
    US = "us"  # 911 (also Canada)
    UNKNOWN = "unknown"  # name all three and "your local emergency number"


NUMBERS = {Region.EUROPE: ("112",), Region.UK: ("999", "112"), Region.US: ("911",)}
_UK = ("Europe/London", "Europe/Belfast", "GB", "GB-Eire", "Europe/Isle_of_Man", "Europe/Jersey", "Europe/Guernsey")
_NORTH_AMERICA_PREFIXES = ("US/", "Canada/", "America/Indiana/", "America/Kentucky/", "America/North_Dakota/")
_CITIES = """New_York Chicago Denver Los_Angeles Phoenix Anchorage Adak Boise Detroit Juneau Menominee Metlakatla
Nome Sitka Yakutat Toronto Vancouver Edmonton Winnipeg Halifax St_Johns Regina Moncton Whitehorse Yellowknife Iqaluit
Glace_Bay Goose_Bay Swift_Current Dawson_Creek Cambridge_Bay Rankin_Inlet Resolute Inuvik Atikokan Creston Dawson"""
_NORTH_AMERICA = frozenset(f"America/{city}" for city in _CITIES.split()) | {
    "Pacific/Honolulu",
    "EST5EDT",
    "CST6CDT",
    "MST7MDT",
    "PST8PDT",
}


def region_of(timezone: str) -> Region:
    """The emergency-number region of an IANA time zone (the patient's): UK, Europe, US/Canada or unknown."""
    if timezone in _UK:
        return Region.UK
    if timezone.startswith("Europe/") or timezone in ("Atlantic/Canary", "Atlantic/Madeira", "Atlantic/Azores"):
        return Region.EUROPE
    if timezone in _NORTH_AMERICA or timezone.startswith(_NORTH_AMERICA_PREFIXES):
        return Region.US
    return Region.UNKNOWN
