"""The daily digest as Telegram messages: text under 4096 characters each, buttons per flag.

Splitting: the digest is a list of blocks (the title; each flag with its figures, the first of a
group carrying the group's heading: escalated flags first (issue 14), then by severity; unreachable
and silent patients; milestones; the cohort line). Blocks are packed in order into messages of at
most 4096 characters and at most `FLAGS_PER_MESSAGE` flags, never splitting a block; each message
carries the Acknowledge / Assign to me buttons of the flags it shows (two per flag, so at most 60
buttons, under Telegram's 100).
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.flags import b6_intake_words, summary
from bot.texts import CATALOGUES, EN, t
from care.digest import SEVERITY_ORDER, Figures
from care.protocol import B6Thresholds, Protocol
from schedules.digest_data import Digest, DigestFlag

LIMIT = 4096
RESERVED = 24  # room for the "(2/3)" part marker
FLAGS_PER_MESSAGE = 30
Block = tuple[str, list[DigestFlag]]  # text, flags whose buttons go with it


def figures_text(f: Figures, b6: B6Thresholds, lang: str = "en", *, adherence: bool = True) -> str:
    parts = []
    if f.baseline_pain is not None:
        parts.append(t("fig_pain", lang, before=f.baseline_pain, after=f.latest_pain))
    if f.baseline_numbness is not None:
        parts.append(t("fig_numbness", lang, before=f.baseline_numbness, after=f.latest_numbness))
    if adherence and f.adherence_pct is not None:
        parts.append(t("fig_adherence", lang, pct=f.adherence_pct, taken=f.doses_taken, due=f.doses_due))
    if f.b6_mg_per_day:  # no B6 at all is not a figure worth a line
        parts.append(t("fig_b6", lang, intake=b6_intake_words(f.b6_range, f.b6_regimen_mg, b6, lang)))
    return " · ".join(parts) or t("fig_none", lang)


def flag_block(flag: DigestFlag, protocol: Protocol, lang: str = "en", *, figures: bool = True) -> str:
    line = t(
        "digest_flag",
        lang,
        flag_id=flag.id,
        alias=flag.alias,
        summary=summary(flag.summary_key, flag.facts, protocol, lang),
    )
    if flag.acknowledged:
        line += t("digest_flag_acknowledged", lang)
    return f"{line}\n    {figures_text(flag.figures, protocol.b6, lang)}" if figures else line


def flag_buttons(
    flag_id: int, alias: str, *, ack: bool = True, assign: bool = True, lang: str = "en"
) -> list[InlineKeyboardButton]:
    """Acknowledge (`f1:<id>:a`) and Assign to me (`f1:<id>:m`): at most 16 bytes of callback data."""
    row = []
    if ack:
        label = t("btn_flag_ack", lang, flag_id=flag_id, alias=alias)
        row.append(InlineKeyboardButton(label, callback_data=f"f1:{flag_id}:a"))
    if assign:
        label = t("btn_flag_assign", lang, flag_id=flag_id, alias=alias)
        row.append(InlineKeyboardButton(label, callback_data=f"f1:{flag_id}:m"))
    return row


def blocks(digest: Digest, protocol: Protocol) -> list[Block]:
    from babel.dates import format_date  # Babel at its first use, not at start-up (issue 17)

    lang = digest.language
    today = format_date(digest.local_date, "EEE d MMM y", locale=lang)
    if digest.empty:  # a day with nothing to report: one short line (or nothing: the team's setting)
        return [(t("digest_nothing_new", lang, team=digest.team, date=today), [])]
    out: list[Block] = [(t("digest_title", lang, team=digest.team, date=today), [])]
    shown: set[str] = set()  # the figures of a patient go under their first flag only
    escalated = [f for f in digest.flags if f.escalated]  # issue 14: first, under their own heading
    groups = [("escalated", escalated)] + [
        (severity, [f for f in digest.flags if f.severity == severity and not f.escalated])
        for severity in SEVERITY_ORDER
    ]
    for heading, group in groups:
        for i, flag in enumerate(group):
            text = flag_block(flag, protocol, lang, figures=flag.alias not in shown)
            shown.add(flag.alias)
            if i == 0:
                text = t(f"digest_severity_{heading}", lang, count=len(group)) + "\n" + text
            out.append((text, [flag]))
    if not digest.flags:
        out.append((t("digest_no_flags", lang), []))
    if digest.unreachable:
        out.append((t("digest_unreachable", lang, aliases=", ".join(digest.unreachable)), []))
    if digest.silent:
        out.append((t("digest_silent", lang, aliases=", ".join(digest.silent)), []))
    if digest.milestones:
        lines = [t("digest_milestones", lang)]
        for alias, week, on in digest.milestones:
            what = t(f"milestone_what_{week}", lang) if f"milestone_what_{week}" in _catalogue(lang) else ""
            when = format_date(on, "EEE d MMM", locale=lang)
            lines.append(t("digest_milestone_line", lang, alias=alias, week=week, what=what, day=when))
        out.extend((line, []) for line in _chunks(lines))
    out.append((cohort_line(digest), []))
    return out


def cohort_line(digest: Digest) -> str:
    c, lang = digest.cohort, digest.language
    parts = [t("digest_active", lang, n=c.active), t("digest_open_flags", lang, n=c.open_flags)]
    if c.mean_adherence_pct is not None:
        parts.append(t("digest_mean_adherence", lang, pct=c.mean_adherence_pct))
    return t("digest_cohort", lang, figures=" · ".join(parts))


def _catalogue(lang: str) -> dict[str, str]:
    return CATALOGUES.get(lang, EN)


def _chunks(lines: list[str]) -> Iterable[str]:
    """Long lists (milestones) as blocks that each fit a message."""
    current: list[str] = []
    for line in lines:
        if current and len("\n".join([*current, line])) > LIMIT - RESERVED:
            yield "\n".join(current)
            current = []
        current.append(line[: LIMIT - RESERVED])
    if current:
        yield "\n".join(current)


def messages(digest: Digest, protocol: Protocol) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The digest as (text, keyboard) messages, in order (none: an empty digest the team asked not to get)."""
    if digest.empty and digest.empty_digest == "quiet":
        return []
    packed: list[tuple[list[str], list[DigestFlag]]] = []
    for text, flags in blocks(digest, protocol):
        text = text if len(text) <= LIMIT - RESERVED else text[: LIMIT - RESERVED - 1] + "…"
        if packed:
            texts, shown = packed[-1]
            fits = len("\n\n".join([*texts, text])) <= LIMIT - RESERVED
            if fits and len(shown) + len(flags) <= FLAGS_PER_MESSAGE:
                texts.append(text)
                shown.extend(flags)
                continue
        packed.append(([text], list(flags)))
    out: list[tuple[str, InlineKeyboardMarkup | None]] = []
    for n, (texts, shown) in enumerate(packed, start=1):
        body = "\n\n".join(texts)
        if len(packed) > 1:
            body = f"{body}\n\n{t('digest_part', digest.language, part=n, parts=len(packed))}"
        rows = [
            flag_buttons(f.id, f.alias, ack=not f.acknowledged, assign=not f.assigned, lang=digest.language)
            for f in shown
        ]
        rows = [r for r in rows if r]
        out.append((body, InlineKeyboardMarkup(rows) if rows else None))
    return out
