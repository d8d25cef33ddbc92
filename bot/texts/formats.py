"""Dates, times and regimens in a patient's language (Babel, CLDR data), in the patient's time zone.

English keeps the bot's established form ("Fri 04 Sep, 09:00"); every other language gets its CLDR
skeletons (Spanish "vie, 4 sept, 9:00", Russian "пт, 4 сент., 09:00"), so a new language needs no code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.render.regimen import regimen_words

ENGLISH_WHEN = "EEE dd MMM, HH:mm"
Format = Callable[..., str]


@cache
def _babel() -> tuple[Format, Format]:
    """babel.dates' format_datetime and format_skeleton, imported once at the first date shown: Babel (~0.5 MB)
    is not loaded by a bot that has only sent reminders (issue 17)."""
    from babel.dates import format_datetime, format_skeleton

    return format_datetime, format_skeleton


def _local(at: datetime, timezone: str) -> datetime:
    return at.astimezone(ZoneInfo(timezone))


def when(at: datetime, timezone: str, lang: str = "en") -> str:
    """A day and a time of day, e.g. a dose: "Fri 04 Sep, 09:00"."""
    moment = _local(at, timezone)
    format_datetime, format_skeleton = _babel()
    if lang == "en":
        return format_datetime(moment, ENGLISH_WHEN, locale="en")
    day = format_skeleton("MMMEd", moment, locale=lang)
    return f"{day}, {format_skeleton('Hm', moment, locale=lang)}"


def dated(at: datetime, timezone: str, lang: str = "en") -> str:
    """A moment with its year, e.g. a link's expiry: "04 Dec 2026, 09:00"."""
    moment = _local(at, timezone)
    format_datetime, format_skeleton = _babel()
    if lang == "en":
        return format_datetime(moment, "dd MMM yyyy, HH:mm", locale="en")
    return f"{format_skeleton('yMMMd', moment, locale=lang)}, {format_skeleton('Hm', moment, locale=lang)}"


def day(at: datetime, timezone: str) -> str:
    """The local day as ISO 8601 ("2026-12-04"): sortable and the same in every language."""
    return _local(at, timezone).date().isoformat()


def clock(at: datetime, timezone: str, lang: str = "en") -> str:
    """A time of day on the 24-hour clock: "09:00" (Spanish "9:00")."""
    return _babel()[1]("Hm", _local(at, timezone), locale=lang)


def regimen_text(regimen: dict[str, Any], lang: str = "en") -> str:
    """The regimen in words, from its phases with their durations, the same way in every language."""
    if not regimen.get("phases"):
        return str(regimen.get("title", regimen.get("code", "")))
    return regimen_words(regimen, lang)
