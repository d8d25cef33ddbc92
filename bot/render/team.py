"""Care-team views as Telegram texts, keyboards and chart data (alias only, never names)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.flags import SEVERITY_WORDS, b6_range_words, summary
from bot.texts import formats, t
from care.protocol import B6Thresholds, Protocol
from services.team_views import Page, View


def _pct(adherence: tuple[int, int] | None, lang: str, *, long: bool = False) -> str:
    if adherence is None:
        return t("tv_none", lang)
    taken, due = adherence
    pct = round(100 * taken / due)
    return t("tv_adherence", lang, pct=pct, taken=taken, due=due) if long else f"{pct}%"


def _value(value: Any, lang: str) -> str:
    return t("tv_none", lang) if value is None else str(value)


def page_text(page: Page, lang: str = "en") -> str:
    if not page.lines:
        return t("tv_list_empty", lang)
    lines = [t("tv_list_header", lang, page=page.page, pages=page.pages, total=page.total)]
    team = None
    for line in page.lines:
        if line.team != team:
            team = line.team
            lines += ["", t("tv_list_team", lang, team=team)]
        lines.append(
            t(
                "tv_list_line",
                lang,
                alias=line.alias,
                status=t(f"tv_status_{line.status}", lang),
                adherence=_pct(line.adherence, lang),
                pain=_value(line.pain, lang),
                numbness=_value(line.numbness, lang),
                flags=line.open_flags,
            )
        )
    return "\n".join([*lines, "", t("tv_list_legend", lang)])


def page_keyboard(page: Page, lang: str = "en") -> InlineKeyboardMarkup | None:
    buttons = []
    if page.page > 1:
        buttons.append(InlineKeyboardButton(t("btn_prev", lang), callback_data=f"v1:p:{page.page - 1}"))
    if page.page < page.pages:
        buttons.append(InlineKeyboardButton(t("btn_next", lang), callback_data=f"v1:p:{page.page + 1}"))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def _change(view: View, key: str, lang: str) -> str:
    baseline = next((s for s in view.scores if s["week"] == 0), None)
    latest = view.scores[-1] if view.scores else None
    if latest is None:
        return t("tv_none", lang)
    if baseline is None or latest is baseline:
        return t("tv_only_baseline", lang, baseline=latest[key]) if latest["week"] == 0 else str(latest[key])
    return t("tv_change", lang, baseline=baseline[key], latest=latest[key], week=latest["week"])


def _mnsi(view: View, lang: str) -> str:
    asked = [s for s in view.scores if s.get("mnsi") is not None]
    if not asked:
        return t("tv_none", lang)
    when = [t("tv_at_week", lang, week=s["week"]) if s["week"] else t("tv_at_baseline", lang) for s in asked[-3:]]
    return " → ".join(f"{s['mnsi']} ({w})" for s, w in zip(asked[-3:], when, strict=True))


def _b6(view: View, lang: str, b6: B6Thresholds) -> str:
    latest = view.scores[-1] if view.scores else None
    if latest is None:
        return t("tv_none", lang)
    if latest.get("b6_unsure"):
        return t("tv_b6_unsure", lang, week=latest["week"])
    return t("tv_b6", lang, intake=b6_range_words(latest.get("b6_range"), b6, lang), week=latest["week"])


def view_text(view: View, protocol: Protocol, lang: str = "en") -> str:
    p = view.patient
    b12 = t("tv_none", lang)
    if p.baseline_b12_value is not None:
        b12 = f"{p.baseline_b12_value:g} {p.baseline_b12_unit or ''} ({p.baseline_b12_date or '?'})"
    text = t(
        "tv_view",
        lang,
        alias=p.alias,
        team=view.team,
        status=t(f"tv_status_{view.status}", lang),
        regimen=str(p.regimen.get("title", p.regimen_code)),
        start=p.therapy_start.isoformat(),
        week=t("tv_week", lang, week=view.week) if view.week else t("tv_not_started", lang),
        adherence=_pct(view.adherence, lang, long=True),
        pain=_change(view, "pain", lang),
        numbness=_change(view, "numbness", lang),
        mnsi=_mnsi(view, lang),
        b6=_b6(view, lang, protocol.b6),
        b12=b12,
    )
    flags = [
        t(
            "tv_flag_line",
            lang,
            id=f.id,
            severity=t(SEVERITY_WORDS.get(f.severity, "sev_info"), lang),
            summary=summary(f.summary_key, f.facts, protocol, lang),
            raised=formats.day(f.raised_at, p.timezone),
        )
        for f in view.flags
    ]
    tail = "\n".join([t("tv_flags_header", lang), *flags]) if flags else t("tv_flags_none", lang)
    return f"{text}\n\n{tail}"[:4000]
