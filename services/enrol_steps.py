"""One /enrol answer: check it the way the CLI would, store it, and name the next step. No I/O but one query."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from care.regimens import PRESET_CODES, Regimen, RegimenError, build_regimen
from schedules.dosetimes import DoseTimeError, parse_reminder_time, parse_timezone, validate_day_fits

from .enrol_checks import START_MAX_PAST, alias_taken, valid_alias
from .enrol_parse import parse_b12, parse_date, parse_phases
from .enrol_prompts import team_today
from .errors import UserError

BUTTON_ONLY = {"team", "stepdown", "confirm"}


def _regimen(code: str, **kw: Any) -> dict[str, Any]:
    try:
        return build_regimen(code, **kw).to_dict()
    except RegimenError as exc:
        raise UserError("err_regimen", message=str(exc)) from exc


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise UserError("err_enrol_dose", value=value) from None


async def apply(session: AsyncSession, step: str, value: str, data: dict[str, Any], now: datetime) -> str:
    """Store the answer `value` for `step` in `data` and return the next step; UserError if it is wrong."""
    value = value.strip()
    if step == "team":
        chosen = [pair for pair in data["teams"] if str(pair[0]) == value]
        if not chosen:
            raise UserError("err_enrol_buttons")
        data["team_id"], data["team"], data["team_tz"] = chosen[0]
        return "alias"
    if step == "alias":
        if not valid_alias(value):
            raise UserError("err_alias")
        if await alias_taken(session, team_id=data["team_id"], alias=value):
            raise UserError("err_alias_taken", alias=value)
        data["alias"] = value
        return "regimen"
    if step == "regimen":
        if value == "custom":
            return "phases"
        if value not in PRESET_CODES:
            raise UserError(
                "err_regimen", message=f"choose one of the buttons or type one of: {', '.join(PRESET_CODES)}"
            )
        if value in ("source-daily", "oral-high"):
            return "dose" if value == "source-daily" else "stepdown"
        data["regimen"] = _regimen(value)
        return "start"
    if step == "dose":
        data["regimen"] = _regimen("source-daily", dose_mcg=_number(value))
        return "start"
    if step == "stepdown":
        if value not in ("y", "n"):
            raise UserError("err_enrol_buttons")
        data["regimen"] = _regimen("oral-high", step_down=value == "y")
        return "start"
    if step == "phases":
        data["regimen"] = parse_phases(value).to_dict()
        return "start"
    if step == "start":
        start = parse_date(value)
        if start < (now - START_MAX_PAST).date():
            raise UserError("err_start_past", value=start.isoformat())
        data["start"] = start.isoformat()
        return "tz"
    if step == "tz":
        try:
            parse_timezone(value)
        except DoseTimeError as exc:
            raise UserError("err_enrol_timezone", message=str(exc)) from exc
        data["tz"] = value
        return "time"
    if step == "time":
        try:
            at = parse_reminder_time(value)
            validate_day_fits(Regimen.from_dict(data["regimen"]), at)
        except (DoseTimeError, RegimenError) as exc:
            raise UserError("err_enrol_time", message=str(exc)) from exc
        data["time"] = at.strftime("%H:%M")
        return "b12"
    if step == "b12":
        if value == "skip":
            data["b12"] = None
        else:
            amount, unit, day = parse_b12(value, team_today(data, now))
            data["b12"] = {"value": amount, "unit": unit, "date": day.isoformat() if day else None}
        return "confirm"
    raise UserError("err_enrol_buttons")


# Where an error found only at the final invite sends the clinician back to.
STEP_OF_ERROR = {
    "err_alias": "alias",
    "err_alias_taken": "alias",
    "err_regimen": "regimen",
    "err_start_past": "start",
    "err_timezone": "tz",
    "err_day_fit": "time",
}
