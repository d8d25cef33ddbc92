"""Small steps shared by the end-to-end tests and the benchmarks: the same calls the CLI and a person make
(a team with its clinician, an invite, an enrolment), and what a step may have changed (every row of every
table, the audit trail after a mark). tests/helpers.py re-exports them for the tests."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.regimens import build_regimen
from services import enrolment
from storage.models import AuditEvent

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


# Strings no log record may contain (tests/conftest.py scans every test's DEBUG logs for them): secrets and
# personal data the test seeded. Cleared before each test; the helpers above add what they create.
FORBIDDEN: set[str] = set()


def forbid(*values: str) -> None:
    FORBIDDEN.update(v for v in values if v)


async def snapshot(sb: Sandbox, *, skip: tuple[str, ...] = ("audit_event", "inbox_update")) -> dict[str, list[str]]:
    """Every row of every table but `skip` (by default the audit trail and the inbox): what a press could change."""
    out: dict[str, list[str]] = {}
    async with sb.services.sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in skip:
                out[table.name] = sorted(repr(tuple(row)) for row in (await session.execute(table.select())).all())
    return out


async def audit_after(sb: Sandbox, mark: int) -> list[AuditEvent]:
    """Audit rows with an id above `mark`, oldest first."""
    async with sb.services.sessions() as session:
        query = select(AuditEvent).where(col(AuditEvent.id) > mark).order_by(col(AuditEvent.id))
        return list((await session.exec(query)).all())


async def audit_mark(sb: Sandbox) -> int:
    async with sb.services.sessions() as session:
        return int((await session.execute(select(func.coalesce(func.max(col(AuditEvent.id)), 0)))).scalar_one())
