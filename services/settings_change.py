"""Changing a patient's reminder time or time zone: parse the answer, replan, audit, tell the care team.

No Telegram here. `change()` applies a change in one transaction, or rolls it back and returns the
transition dose the patient has to confirm first (`schedules.replan.ConfirmationNeeded`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from care.protocol import Protocol
from care.regimens import Regimen
from schedules import flagging
from schedules.dosetimes import DoseTimeError, parse_timezone, validate_day_fits
from schedules.replan import ConfirmationNeeded, replan, setting_of
from schedules.sql import is_postgres
from storage import audit
from storage.engine import Sessions
from storage.queries import patients as patients_q
from storage.status import ENROLLED

_TIME = re.compile(r"([0-9]{1,2})(?:\s*[:.h]\s*([0-9]{2}))?")


@dataclass(frozen=True)
class Outcome:
    kind: str  # applied unchanged confirm invalid not_enrolled stopped discharged (+ dialogue kinds)
    language: str = "en"
    timezone: str = "UTC"  # the patient's zone (the new one once applied, or proposed)
    reminder_time: str = ""  # the patient's reminder time (likewise)
    next_dose: datetime | None = None
    transition: datetime | None = None  # the transition dose: proposed (confirm) or planned (applied)
    previous: datetime | None = None  # the last dose before the change
    paused: bool = False
    error: str = ""  # text key of what was wrong with the answer
    params: dict[str, str] = field(default_factory=dict)
    what: str = ""  # "time" or "zone": what the patient set out to change


class BadAnswer(ValueError):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def parse_time(text: str) -> str:
    """ "8", "8:30", "08:30", "20.30", "8h30" -> "HH:MM"; BadAnswer otherwise."""
    match = _TIME.fullmatch(text.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise BadAnswer("change_time_bad", value=text.strip()[:20])
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


@cache
def _zones() -> tuple[dict[str, str], dict[str, list[str]]]:
    names = sorted(available_timezones() - {"localtime", "Factory", "posixrules"})
    cities: dict[str, list[str]] = {}
    for name in names:
        cities.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    return {n.lower(): n for n in names}, cities


def parse_zone(text: str) -> str:
    """An IANA name, case-insensitive ("europe/paris"), or a city alone when only one zone has it."""
    value = text.strip()
    exact, cities = _zones()
    key = re.sub(r"\s+", "_", value.lower())
    found = exact.get(key) or (cities[key][0] if len(cities.get(key, [])) == 1 else None)
    if found is None:
        raise BadAnswer("change_zone_bad", value=value[:40])
    parse_timezone(found)  # refuses a zone that cannot be loaded
    return found


def check_fits(regimen: dict[str, Any], at: str) -> None:
    """BadAnswer when a regimen with several reminders a day would run past midnight from `at`."""
    parsed = Regimen.from_dict(regimen)
    try:
        validate_day_fits(parsed, time.fromisoformat(at))
    except DoseTimeError:
        span = timedelta(hours=parsed.last_daily_offset_hours, minutes=1)
        latest = (datetime.combine(datetime.min, time(0)) - span).strftime("%H:%M")
        raise BadAnswer("change_time_too_late", latest=latest) from None


async def change(
    sessions: Sessions,
    *,
    chat_id: int,
    zone: str | None = None,
    at: str | None = None,
    now: datetime,
    protocol: Protocol,
    confirmed: datetime | None = None,
) -> Outcome:
    """Set the patient's time zone and/or reminder time and replan; or say what must be confirmed first."""
    async with sessions() as session:
        patient = await patients_q.by_chat_for_update(session, chat_id=chat_id, lock=is_postgres(session))
        if patient is None:
            return Outcome("not_enrolled")
        lang = patient.language
        if patient.status not in ENROLLED:
            return Outcome(patient.status if patient.status in ("stopped", "discharged") else "not_enrolled", lang)
        if at is not None:
            check_fits(patient.regimen, at)
        old, before = setting_of(patient), (patient.timezone, patient.reminder_time)
        patient.timezone, patient.reminder_time = zone or patient.timezone, at or patient.reminder_time
        paused = patient.status == "paused"
        base = Outcome("", lang, patient.timezone, patient.reminder_time, paused=paused)
        if (patient.timezone, patient.reminder_time) == before:
            await session.rollback()
            return replace(base, kind="unchanged")
        try:
            plan = await replan(
                session,
                patient=patient,
                now=now,
                protocol=protocol,
                old=old,
                transition=not paused,
                confirmed=confirmed,
            )
        except ConfirmationNeeded as need:
            await session.rollback()
            proposed = need.plan.transition.due_at if need.plan.transition else None
            return replace(base, kind="confirm", transition=proposed, previous=need.plan.previous)
        action = "patient.timezone" if patient.timezone != before[0] else "patient.time"
        audit.record(session, at=now, actor="patient", action=action, subject=f"patient:{patient.id}")
        transition = plan.transition.due_at if plan.transition else None
        facts: dict[str, object] = {
            "old_timezone": before[0],
            "old_time": before[1],
            "new_timezone": patient.timezone,
            "new_time": patient.reminder_time,
            "transition_at": transition.isoformat() if transition else "",
        }
        await flagging.on_schedule_change(session, patient=patient, facts=facts, now=now)
        await session.commit()
    return replace(base, kind="applied", next_dose=plan.next_dose, transition=transition, previous=plan.previous)
