"""The checks on what a clinician types to enrol a patient: the alias, its uniqueness, the time zone."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from schedules.dosetimes import DoseTimeError, parse_timezone
from storage.queries import patients as patients_q

from .errors import UserError

ALIAS_RE = re.compile(r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9_.-]{1,23}")  # the whole alias: fullmatch, never match
ERASED_PREFIX = "erased-"  # the stubs of erased patients (services/erasure.py): no clinician may type it
START_MAX_PAST = timedelta(days=30)


def valid_alias(alias: str) -> bool:
    """A pseudonym like MK-17, as a whole ("MK-17\\n" is not one), not an erased stub's name."""
    return ALIAS_RE.fullmatch(alias) is not None and not alias.lower().startswith(ERASED_PREFIX)


async def alias_taken(session: AsyncSession, *, team_id: int, alias: str) -> bool:
    """Aliases are unique per team whatever their case (FHIR file names collide on case-insensitive disks)."""
    return await patients_q.alias_taken(session, team_id=team_id, alias=alias)


def check_timezone(name: str) -> str:
    try:
        parse_timezone(name)
    except DoseTimeError as exc:
        raise UserError("err_timezone", value=name) from exc
    return name
