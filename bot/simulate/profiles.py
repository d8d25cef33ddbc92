"""How each kind of virtual patient behaves: pure decisions from a seeded random generator.

Profiles follow CLINICAL.md's expectations: improving patients reach a good verdict at week 12,
non-improving ones a poor verdict at week 6, forgetful ones confirm about 60% of doses, silent ones stop
answering after a few weeks, high-B6 ones report B6 products, one blocks the bot, one reports a red flag.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

PROFILES = ("improving", "not_improving", "worsening", "high_b6", "forgetful", "silent", "blocks", "red_flag")

BASELINE_PAIN = {
    "improving": 7,
    "not_improving": 6,
    "worsening": 5,
    "high_b6": 6,
    "forgetful": 6,
    "silent": 6,
    "blocks": 6,
    "red_flag": 6,
}


@dataclass(frozen=True)
class Patient:
    index: int
    profile: str
    rng_seed: int

    @property
    def alias(self) -> str:
        return f"SIM-{self.index:03d}"

    @property
    def user_id(self) -> int:
        return 700_000 + self.index


def cohort(n: int, profiles: tuple[str, ...], seed: int) -> list[Patient]:
    """`n` patients, profiles assigned round-robin so every profile is present when n >= len(profiles)."""
    rng = random.Random(seed)
    return [Patient(i + 1, profiles[i % len(profiles)], rng.randrange(2**31)) for i in range(n)]


class Behaviour:
    """One patient's choices; every draw comes from the patient's own generator, so runs repeat."""

    def __init__(self, patient: Patient) -> None:
        self.p = patient
        self.rng = random.Random(patient.rng_seed)

    def silent_from_week(self) -> int | None:
        return 3 if self.p.profile == "silent" else None

    def blocks_at_week(self) -> int | None:
        return 2 if self.p.profile == "blocks" else None

    def answers_dose(self, week: int) -> str | None:
        """'t' taken, 'k' skipped, or None (does not answer)."""
        if self.silent(week):
            return None
        chance = 0.55 if self.p.profile == "forgetful" else 0.97
        roll = self.rng.random()
        if roll < chance:
            return "t"
        return "k" if roll < chance + 0.01 else None

    def silent(self, week: int) -> bool:
        start = self.silent_from_week()
        return start is not None and week >= start

    def delay(self) -> timedelta:
        return timedelta(minutes=self.rng.choice((2, 5, 10, 20, 45, 90)))

    def pain(self, week: int) -> int:
        base = BASELINE_PAIN[self.p.profile]
        if self.p.profile == "improving":
            return max(1, base - round(week * 0.6))
        if self.p.profile == "worsening":
            return min(10, base + (1 if week >= 2 else 0) + (1 if week >= 4 else 0))
        if self.p.profile in ("not_improving",):
            return base
        return max(2, base - week // 4)

    def numbness(self, week: int) -> int:
        return max(1, self.pain(week) - 1)

    def pgic(self, week: int) -> int:
        """Index into the PGIC choices: 0 very much improved ... 6 very much worse."""
        if self.p.profile == "improving":
            return 0 if week >= 10 else 1 if week >= 4 else 2
        if self.p.profile == "worsening":
            return 5
        if self.p.profile == "not_improving":
            return 3
        return 2

    def b6_codes(self, week: int) -> list[str]:
        """Taps for the B6 items: products (toggle, Done) then the dose range."""
        if self.p.profile != "high_b6":
            return ["t5"]  # none of these: one tap
        if week % 3 == 2:
            return ["t0", "d", "6"]  # B complex, not sure of the dose
        return ["t0", "t2", "d", "4" if week % 2 else "5"]  # 100-500 mg or over 500 mg

    def red_flags(self, week: int) -> list[str]:
        """Taps on the red-flag screen: "None of these", or Yes, the symptom, Done."""
        if self.p.profile == "red_flag" and week == 3:
            return ["y", "t0", "d"]  # tendon pain: urgent, not an emergency
        return ["n"]

    def questionnaire(self, week: int, *, pgic: bool, mnsi: bool) -> list[str]:
        codes = [str(self.pain(week)), str(self.numbness(week))]
        if pgic:
            codes.append(str(self.pgic(week)))
        if mnsi:
            codes += ["y" if self.p.profile in ("worsening", "not_improving") and i < 3 else "n" for i in range(15)]
        return codes + self.b6_codes(week) + self.red_flags(week)
