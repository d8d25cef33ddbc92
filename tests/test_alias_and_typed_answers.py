"""Smaller holes of issue 12: typed answers, the alias rule, aliases in the audit trail.

- "⁷" passed str.isdigit() and failed int(): the exception text (with the answer) reached the log and the
  patient got no reply. Only [0-9]{1,2} counts.
- "MK-17\\n" matched the alias rule (re.match with `$`); aliases differing only in case were two patients
  (their FHIR files collide on a case-insensitive disk); "erased-<id>" could be typed.
- A refused team command wrote the typed alias into the audit trail (`alias:MK-17`).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import patient
from care.regimens import build_regimen
from services import enrol_checks, enrolment
from services.errors import UserError
from storage.models import AuditEvent, Patient, Questionnaire
from tests.conftest import LogScan
from tests.helpers import CLINICIAN, TTL, enrol, forbid, invite, team_with_member

PAT = VirtualUser(2001, "Pat")
START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def request(alias: str) -> enrolment.PatientRequest:
    return enrolment.PatientRequest(
        team="Neuro clinic",
        alias=alias,
        regimen=build_regimen("oral-high"),
        start=date(2026, 11, 3),
        timezone="Europe/Berlin",
        reminder_time=time(9),
    )


@pytest.mark.parametrize("typed", ["⁷", "٧", "７", "1⁰", "011", "7.0"])
async def test_a_typed_answer_that_is_not_0_to_10_in_ascii_digits_gets_a_reply(
    sqlite_url: str, log_scan: LogScan, typed: str
) -> None:
    if not typed.isascii():  # short ASCII strings occur in the SQL log's timestamps anyway
        forbid(typed)
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 11, 3)))
        await sb.tick()  # the baseline's first question: pain, 0-10
        await sb.send(sb.users.text(PAT, typed))
        assert sb.api.last_to(PAT.id).text == patient("q_use_buttons_nrs")  # type: ignore[union-attr]
        async with sb.services.sessions() as session:
            q = (await session.exec(select(Questionnaire))).one()
        assert q.answers == {}
        assert [r for r in log_scan.records if r.levelno >= logging.ERROR] == []
        await sb.send(sb.users.text(PAT, "7"))  # ASCII digits still count
        async with sb.services.sessions() as session:
            assert (await session.exec(select(Questionnaire))).one().answers == {"pain": 7}


async def test_the_alias_rule_takes_the_whole_text_and_reserves_the_erased_prefix(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        for alias in ("MK-17\n", "MK-17\r\n", "erased-5", "Erased-12", "ERASED-x1"):
            with pytest.raises(UserError) as refused:
                await enrolment.invite_patient(sb.services.sessions, request=request(alias), now=START, ttl=TTL)
            assert refused.value.key == "err_alias", alias
        await sb.send(sb.users.text(CLINICIAN, "/enrol"))
        await sb.send(sb.users.text(CLINICIAN, "erased-7"))
        assert "the alias must be a pseudonym" in (sb.api.last_to(CLINICIAN.id).text or "")  # type: ignore[union-attr]
        assert enrol_checks.valid_alias("MK-17") and enrol_checks.valid_alias("erasedx-1")


async def test_aliases_are_unique_per_team_whatever_their_case(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        forbid("MK-17", "mk-17")
        await enrolment.invite_patient(sb.services.sessions, request=request("MK-17"), now=START, ttl=TTL)
        with pytest.raises(UserError) as taken:
            await enrolment.invite_patient(sb.services.sessions, request=request("mk-17"), now=START, ttl=TTL)
        assert taken.value.key == "err_alias_taken"
        await sb.send(sb.users.text(CLINICIAN, "/enrol"))
        await sb.send(sb.users.text(CLINICIAN, "Mk-17"))
        assert "already used in this team" in (sb.api.last_to(CLINICIAN.id).text or "")  # type: ignore[union-attr]
        async with sb.services.sessions() as session:  # the database refuses it too, whoever writes
            with pytest.raises(IntegrityError):
                same_row = text("UPDATE patient SET alias = :new WHERE alias = :old")  # its own case: allowed
                await session.execute(same_row, {"new": "mk-17", "old": "MK-17"})
                copy = text(
                    "INSERT INTO patient (team_id, alias, status, reachable, timezone, reminder_time,"
                    " regimen_code, regimen, therapy_start, language, created_at) SELECT team_id, :alias,"
                    " status, reachable, timezone, reminder_time, regimen_code, regimen, therapy_start,"
                    " language, created_at FROM patient"
                )
                await session.execute(copy, {"alias": "MK-17"})
            await session.rollback()
            aliases = (await session.exec(select(Patient.alias))).all()
        assert list(aliases) == ["MK-17"]


async def test_a_refused_team_command_does_not_write_the_typed_alias_into_the_audit_trail(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb:
        await team_with_member(sb)
        forbid("ZZ-4711")
        stranger = VirtualUser(3001, "Nosy")
        sb.api.add_private_chat(stranger.as_json())
        for user in (CLINICIAN, stranger):
            for command in ("/patient", "/pause_patient", "/resume_patient", "/discharge"):
                await sb.send(sb.users.text(user, f"{command} ZZ-4711"))
        async with sb.services.sessions() as session:
            refused = (await session.exec(select(AuditEvent).where(col(AuditEvent.outcome) == "refused"))).all()
        assert len(refused) == 8
        assert [r.id for r in refused if "4711" in f"{r.subject} {r.detail}"] == []
