"""A flag as one line for the care team (team language; alias only, never names)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.texts import CATALOGUES, EN, t
from care.protocol import Protocol

SHOWN_FACTS = ("total_mg_per_day", "pain", "baseline_pain", "fraction", "weeks", "outcome", "item", "week")


def summary(key: str, facts: Mapping[str, object], protocol: Protocol, lang: str = "en") -> str:
    """The flag's summary line, with its figures filled in from the facts and the protocol."""
    b6 = protocol.b6
    params: dict[str, object] = {
        "info_above": b6.info_above_mg,
        "warning_above": b6.warning_above_mg,
        "urgent_above": b6.urgent_above_mg,
        "source_figure_mg": b6.source_figure_mg,
        "total_mg_per_day": float(str(facts.get("total_mg_per_day", 0) or 0)),
        "kind": facts.get("kind", key.removeprefix("flag.").split(".")[0]),
        "severity": facts.get("severity", ""),
    }
    params = {**{k: v for k, v in facts.items() if isinstance(v, str | int | float)}, **params}  # facts fill the rest
    params["source_note"] = t("flag.b6_source_note", lang, **params) if facts.get("source_threshold_reached") else ""
    if key not in CATALOGUES.get(lang, EN) and key not in EN:
        return t("flag.generic", lang, **params)
    return t(key, lang, **params)


def facts_line(facts: Mapping[str, object]) -> str:
    shown = [f"{k}={facts[k]}" for k in SHOWN_FACTS if facts.get(k) not in (None, "", [])]
    return ", ".join(shown)


def unowned_text(minutes: int, lang: str = "en") -> str:
    """How long an alert went unowned: "45 min", "2 h 5 min", "2 d 14 h"."""
    days, rest = divmod(max(minutes, 0), 24 * 60)
    if days:
        return t("unowned_days", lang, days=days, hours=rest // 60)
    if rest >= 60:
        return t("unowned_hours", lang, hours=rest // 60, minutes=rest % 60)
    return t("unowned_minutes", lang, minutes=rest)
