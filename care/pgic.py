"""The Patient Global Impression of Change scale (PGIC, Guy 1976): one home for the seven answers, so that
the protocol's thresholds and the questionnaire's items both name them without importing each other."""

from __future__ import annotations

from enum import StrEnum


class Pgic(StrEnum):
    """Patient Global Impression of Change, best first; `rank` 1 (very much improved) to 7."""

    VERY_MUCH_IMPROVED = "very_much_improved"
    MUCH_IMPROVED = "much_improved"
    MINIMALLY_IMPROVED = "minimally_improved"
    NO_CHANGE = "no_change"
    MINIMALLY_WORSE = "minimally_worse"
    MUCH_WORSE = "much_worse"
    VERY_MUCH_WORSE = "very_much_worse"

    @property
    def rank(self) -> int:
        return list(Pgic).index(self) + 1
