"""Small steps shared by the end-to-end tests: the same calls the CLI and a person make."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.services import enrolment
from care.regimens import build_regimen

TTL = timedelta(days=14)
CLINICIAN = VirtualUser(1001, "Dr Demo")


async def team_with_member(sb: Sandbox, name: str = "Neuro clinic", tz: str = "Europe/Berlin") -> str:
    issued = await enrolment.create_team(
        sb.services.sessions, name=name, timezone=tz, digest_time=time(8), now=sb.clock(), ttl=TTL
    )
    forbid(issued.token)
    await sb.send(sb.users.text(CLINICIAN, f"/start {issued.token}"))
    return name


async def invite(
    sb: Sandbox,
    *,
    alias: str = "MK-17",
    regimen: str = "oral-high",
    start: date,
    tz: str = "Europe/Berlin",
    at: time = time(9),
    team: str = "Neuro clinic",
    **kw: object,
) -> str:
    request = enrolment.PatientRequest(
        team=team,
        alias=alias,
        regimen=build_regimen(regimen, **kw),  # type: ignore[arg-type]
        start=start,
        timezone=tz,
        reminder_time=at,
    )
    issued = await enrolment.invite_patient(sb.services.sessions, request=request, now=sb.clock(), ttl=TTL)
    forbid(alias, issued.token)
    return issued.token


async def enrol(sb: Sandbox, user: VirtualUser, token: str) -> None:
    await sb.send(sb.users.text(user, f"/start {token}"))
    consent = sb.api.last_to(user.id)
    assert consent is not None and "Do you agree?" in (consent.text or "")
    await sb.send(sb.users.press_button(user, consent, "I agree"))


def local_time(at: datetime, tz: str) -> time:
    return at.astimezone(ZoneInfo(tz)).time().replace(second=0, microsecond=0)


# Strings no log record may contain (tests/conftest.py scans every test's DEBUG logs for them): secrets and
# personal data the test seeded. Cleared before each test; the helpers above add what they create.
FORBIDDEN: set[str] = set()


def forbid(*values: str) -> None:
    FORBIDDEN.update(v for v in values if v)
