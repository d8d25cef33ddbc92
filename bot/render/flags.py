"""A flag in words for the care team (team language; alias only, never names): what happened (which symptom,
which products, what the patient answered) and what to do. Never a stored key or a `name=value` fact."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.texts import EN, t
from care.protocol import B6Thresholds, Protocol

SEVERITY_WORDS = {"urgent": "sev_urgent", "warning": "sev_warning", "info": "sev_info"}


def b6_range_words(key: object, b6: B6Thresholds, lang: str = "en") -> str:
    """The B6 range the patient chose, as they chose it ("100 to 500 mg/day"), never the figure assumed for it."""
    if key is None:
        return t("b6_range_none", lang)
    found = next((r for r in b6.dose_ranges if r.key == key), None)
    if found is None:  # "not sure", or a range the protocol no longer has
        return t("b6_range_not_sure", lang)
    if found.up_to_mg is None:
        return t("b6_range_over", lang, low=found.above_mg)
    if found.up_to_mg == found.above_mg == 0:
        return t("b6_range_none", lang)
    if found.above_mg == 0:
        return t("b6_range_up_to", lang, high=found.up_to_mg)
    return t("b6_range", lang, low=found.above_mg, high=found.up_to_mg)


def b6_intake_words(range_key: object, regimen_mg: float, b6: B6Thresholds, lang: str = "en") -> str:
    intake = b6_range_words(range_key, b6, lang)
    return t("b6_with_regimen", lang, intake=intake, regimen=regimen_mg) if regimen_mg else intake


def _products(facts: Mapping[str, object], lang: str) -> str:
    raw = facts.get("products")
    names = [t(f"b6p_{p}", lang) for p in raw if f"b6p_{p}" in EN] if isinstance(raw, Sequence) else []
    return t("b6_products_taken", lang, products=", ".join(names)) if names else ""


def _number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _worsening(facts: Mapping[str, object], lang: str) -> str:
    reasons = facts.get("reasons") or ("pain",)
    parts = []
    if isinstance(reasons, Sequence) and "pain" in reasons and facts.get("pain") is not None:
        parts.append(t("worsening_pain", lang, baseline_pain=facts.get("baseline_pain"), pain=facts.get("pain")))
    if isinstance(reasons, Sequence) and "pgic" in reasons and f"pgic_{facts.get('pgic')}" in EN:
        parts.append(t("worsening_pgic", lang, pgic=t(f"pgic_{facts.get('pgic')}", lang).lower()))
    return t("worsening_and", lang).join(parts) or t("worsening_unknown", lang)


def _params(key: str, facts: Mapping[str, object], protocol: Protocol, lang: str) -> dict[str, object]:
    b6 = protocol.b6
    fraction = facts.get("fraction")
    weeks = facts.get("weeks")
    params: dict[str, object] = {
        "info_above": b6.info_above_mg,
        "warning_above": b6.warning_above_mg,
        "urgent_above": b6.urgent_above_mg,
        "source_figure_mg": b6.source_figure_mg,
        "intake": b6_intake_words(facts.get("range"), _number(facts.get("regimen_mg_per_day", 0) or 0), b6, lang),
        "products": _products(facts, lang),
        "pct": round(100 * _number(fraction)) if fraction is not None else "?",
        "weeks": ", ".join(str(w) for w in weeks) if isinstance(weeks, Sequence) and not isinstance(weeks, str) else "",
        "due_day": str(facts.get("due_at", ""))[:10],
        "kind": t("flag_kind_other", lang),
        "severity": t(SEVERITY_WORDS.get(str(facts.get("severity")), "sev_info"), lang),
        "what": _worsening(facts, lang) if key == "flag.worsening" else "",
    }
    plain = {k: v for k, v in facts.items() if isinstance(v, str | int | float) and k not in params}
    return {"week": "?", "taken": "?", "due": "?", "threshold_pct": 80, **plain, **params}


def summary(key: str, facts: Mapping[str, object], protocol: Protocol, lang: str = "en") -> str:
    """The flag's sentence with its figures (from the facts and the protocol) and what to do."""
    params = _params(key, facts, protocol, lang)
    params["source_note"] = t("flag.b6_source_note", lang, **params) if facts.get("source_threshold_reached") else ""
    if key.startswith("flag.red_flag."):
        text = t(key if key in EN else "flag.red_flag.generic", lang, **params)
        return f"{text} {t('flag_rf_emergency' if facts.get('emergency') else 'flag_rf_today', lang)}"
    text = t(key if key in EN else "flag.generic", lang, **params)
    if key.startswith("flag.b6_intake.") and facts.get("raised"):
        text += t("flag.b6_raised", lang, rise=facts.get("numbness_rise", "?"))
    return text


def unowned_text(minutes: int, lang: str = "en") -> str:
    """How long an alert went unowned: "45 min", "2 h 5 min", "2 d 14 h"."""
    days, rest = divmod(max(minutes, 0), 24 * 60)
    if days:
        return t("unowned_days", lang, days=days, hours=rest // 60)
    if rest >= 60:
        return t("unowned_hours", lang, hours=rest // 60, minutes=rest % 60)
    return t("unowned_minutes", lang, minutes=rest)
