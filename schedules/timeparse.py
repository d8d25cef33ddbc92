"""Reading what people type: a reminder time ("09:00") and an IANA time zone ("Europe/Berlin").

Pure: no clock. A bad value raises DoseTimeError with a sentence saying what is wrong and how to write it.
"""

from __future__ import annotations

import difflib
import re
from datetime import time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = ["DoseTimeError", "parse_reminder_time", "parse_timezone"]


class DoseTimeError(ValueError):
    """A reminder time, time zone or schedule request that cannot be used; the message says why."""


_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TIME_HELP = "write it as HH:MM on the 24-hour clock, e.g. 09:00 or 21:30"


def parse_reminder_time(text: str) -> time:
    """Parse "09:00", "9:00", "21:30" into a naive `time`. Raises DoseTimeError saying what is wrong."""
    stripped = text.strip()
    match = _TIME_RE.fullmatch(stripped)
    if match is None:
        raise DoseTimeError(f'"{stripped}" is not a time of day; {_TIME_HELP}')
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23:
        raise DoseTimeError(f'"{stripped}" is not a time of day: the hour must be 0-23; {_TIME_HELP}')
    if minute > 59:
        raise DoseTimeError(f'"{stripped}" is not a time of day: the minutes must be 00-59; {_TIME_HELP}')
    return time(hour, minute)


# A bare offset: "UTC+3", "GMT-05:00", "+0530", "UTC −3" (with a Unicode minus).
_OFFSET_RE = re.compile(r"(?:UTC|GMT|Z)?\s*[+\-\u2212]\s*[0-9]{1,2}(?::?[0-9]{2})?", re.IGNORECASE)
# Keys zoneinfo may load that are no patient's time zone: the server's own zone, tzdata's placeholder.
_REFUSED_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_ZONE_HELP = "give an IANA time zone name such as Europe/Berlin or America/New_York"


@cache
def _known_zones() -> frozenset[str]:
    # available_timezones() lists the IANA keys (it leaves out "right/..." leap-second variants,
    # which zoneinfo would otherwise load and which run ~27 s off civil time).
    return frozenset(available_timezones()) - _REFUSED_ZONES


def _zone_hint(name: str) -> str:
    zones = _known_zones()
    by_lower = {z.lower(): z for z in zones}
    close = [by_lower[name.lower()]] if name.lower() in by_lower else []
    close = close or difflib.get_close_matches(name, sorted(zones), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


def parse_timezone(name: str) -> ZoneInfo:
    """The IANA time zone `name` ("Europe/Berlin", "UTC"). Raises DoseTimeError naming the bad value."""
    stripped = name.strip()
    if not stripped:
        raise DoseTimeError(f"the time zone is empty; {_ZONE_HELP}")
    if _OFFSET_RE.fullmatch(stripped):
        raise DoseTimeError(
            f'"{stripped}" is a fixed UTC offset, not a time zone: it would not follow daylight saving '
            f"time; {_ZONE_HELP}"
        )
    if stripped not in _known_zones():
        raise DoseTimeError(f'"{stripped}" is not a known time zone{_zone_hint(stripped)}; {_ZONE_HELP}')
    try:
        return ZoneInfo(stripped)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # listed, but unreadable
        raise DoseTimeError(f'"{stripped}" is not a usable time zone ({exc}); {_ZONE_HELP}') from exc
