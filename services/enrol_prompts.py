"""The /enrol questions as plain data: a text key, its parameters, and the buttons (value + label)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from care.regimens import PRESET_CODES, Regimen, build_regimen

from .errors import UserError

COMMON_ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
)
COMMON_TIMES = ("08:00", "09:00", "12:00", "18:00", "20:00")
SOURCE_DAILY_DOSES = ("100", "250", "500")


@dataclass(frozen=True)
class Choice:
    value: str  # goes into the callback data `e1:<step>:<value>`
    label: str = ""  # shown as is, or
    key: str = ""  # a text key for the label
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prompt:
    step: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    error: UserError | None = None


def team_today(data: dict[str, Any], now: datetime) -> date:
    return now.astimezone(ZoneInfo(data.get("team_tz") or "UTC")).date()


def _preset_lines() -> str:
    lines = []
    for code in PRESET_CODES:
        title = "B12 100-500 mcg by mouth daily" if code == "source-daily" else build_regimen(code).title
        lines.append(f"• {code}: {title}")
    return "\n".join(lines)


def _start_choices(today: date) -> tuple[Choice, ...]:
    monday = today + timedelta(days=(7 - today.weekday()) or 7)
    days = (("btn_enrol_today", today), ("btn_enrol_tomorrow", today + timedelta(days=1)), ("btn_enrol_monday", monday))
    return tuple(Choice(d.isoformat(), key=k, params={"day": d.strftime("%a %d %b")}) for k, d in days)


def _zones(team_tz: str) -> tuple[Choice, ...]:
    names = dict.fromkeys((team_tz, *COMMON_ZONES))
    return tuple(Choice(name, label=name) for name in names if name)


def summary(data: dict[str, Any]) -> dict[str, Any]:
    b12 = data.get("b12")
    baseline = f"{b12['value']:g} {b12['unit']}" + (f" ({b12['date']})" if b12.get("date") else "") if b12 else "—"
    return {
        "team": data["team"],
        "alias": data["alias"],
        "regimen": Regimen.from_dict(data["regimen"]).title,
        "start": date.fromisoformat(data["start"]).strftime("%a %d %b %Y"),
        "timezone": data["tz"],
        "time": data["time"],
        "baseline": baseline,
    }


def prompt(step: str, data: dict[str, Any], now: datetime, error: UserError | None = None) -> Prompt:
    """The question for `step`, given the answers so far."""
    choices: tuple[Choice, ...] = ()
    params: dict[str, Any] = {}
    if step == "team":
        choices = tuple(Choice(str(team_id), label=name) for team_id, name, _tz in data["teams"])
    elif step == "alias":
        params = {"team": data["team"]}
    elif step == "regimen":
        params = {"presets": _preset_lines()}
        choices = (*(Choice(code, label=code) for code in PRESET_CODES), Choice("custom", key="btn_enrol_custom"))
    elif step == "dose":
        choices = tuple(Choice(dose, label=f"{dose} mcg") for dose in SOURCE_DAILY_DOSES)
    elif step == "stepdown":
        choices = (Choice("y", key="btn_yes"), Choice("n", key="btn_no"))
    elif step == "start":
        choices = _start_choices(team_today(data, now))
    elif step == "tz":
        choices = _zones(data.get("team_tz", ""))
    elif step == "time":
        choices = tuple(Choice(at, label=at) for at in COMMON_TIMES)
    elif step == "b12":
        choices = (Choice("skip", key="btn_enrol_skip"),)
    elif step == "confirm":
        params = summary(data)
        choices = (Choice("y", key="btn_enrol_confirm"), Choice("n", key="btn_enrol_cancel"))
    return Prompt(step, f"enrol_ask_{step}", params, choices, error)
