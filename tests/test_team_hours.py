"""A care team's reading hours (issue 14): `/team_hours` for members (privately or in the team's group), the
operator's `b12bot team hours`, shown to patients in their language with every red-flag advice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from storage.models import AuditEvent, Team
from tests import test_cli
from tests.helpers import CLINICIAN, enrol, invite, team_with_member
from tests.test_cli import cli, rows

clean_env, template_db, ready_db = test_cli.clean_env, test_cli.template_db, test_cli.ready_db
PAT = VirtualUser(2001, "Wilhelmina")
SOL = VirtualUser(2002, "Sol", language_code="es")
GROUP = -5001
START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)


def last(sb: Sandbox, chat: int) -> str:
    message = sb.api.last_to(chat)
    return (message.text or "") if message is not None else ""


async def hours_of(sb: Sandbox) -> str | None:
    async with sb.services.sessions() as session:
        return (await session.exec(select(Team))).one().hours


async def test_a_member_shows_sets_refuses_bad_text_and_clears_the_hours(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(CLINICIAN, "/team_hours"))
        assert "“Neuro clinic” has no reading hours" in last(sb, CLINICIAN.id)
        await sb.send(sb.users.text(CLINICIAN, "/team_hours mon-fri 8:00-17:00; sat 09:00-12:00"))
        assert "are now Mon-Fri 08:00-17:00; Sat 09:00-12:00 (Europe/Berlin)" in last(sb, CLINICIAN.id)
        await sb.send(sb.users.text(CLINICIAN, "/team_hours Mon-Fry 08:00-17:00"))
        assert last(sb, CLINICIAN.id).startswith("Not changed: 'Fry' is not a day")
        await sb.send(sb.users.text(CLINICIAN, "/team_hours Mon-Fri 17:00-08:00"))
        assert "the end must come after the start" in last(sb, CLINICIAN.id)
        assert await hours_of(sb) == "Mon-Fri 08:00-17:00; Sat 09:00-12:00"  # unchanged by the bad ones
        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_hours"))
        assert "Reading hours of “Neuro clinic”: Mon-Fri 08:00-17:00; Sat 09:00-12:00" in last(sb, GROUP)
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_hours off"))
        assert "cleared" in last(sb, GROUP) and await hours_of(sb) is None
        await enrol(sb, PAT, await invite(sb, start=date(2026, 10, 6)))
        await sb.send(sb.users.text(PAT, "/team_hours Mon-Sun 00:00-24:00"))  # a patient is no member
        assert last(sb, PAT.id) == "Sorry, only active members of the care team can do this."
        assert await hours_of(sb) is None
        async with sb.services.sessions() as session:
            found = await session.exec(select(AuditEvent).where(col(AuditEvent.action) == "team.hours"))
            trail = [(a.actor, a.outcome, a.detail) for a in found.all()]
        assert trail == [
            ("tg:1001", "ok", {"before": None, "after": "Mon-Fri 08:00-17:00; Sat 09:00-12:00"}),
            ("tg:1001", "ok", {"before": "Mon-Fri 08:00-17:00; Sat 09:00-12:00", "after": None}),
            ("tg:2001", "refused", {"reason": "not_a_member", "chat": "private"}),
        ]


async def test_a_spanish_patient_sees_the_hours_in_spanish_with_the_advice(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await sb.send(sb.users.text(CLINICIAN, "/team_hours Mon-Fri 08:00-17:00"))
        await sb.send(sb.users.text(SOL, f"/start {await invite(sb, alias='SL-2', start=date(2026, 10, 6))}"))
        await sb.send(sb.users.press_button(SOL, sb.api.last_to(SOL.id), "Estoy de acuerdo"))  # type: ignore[arg-type]
        await sb.send(sb.users.text(SOL, "/symptoms"))
        for label in ("Sí, uno o más", "8. Sigo con el antibiótico", "Listo"):
            await sb.send(sb.users.press_button(SOL, sb.api.last_to(SOL.id), label))  # type: ignore[arg-type]
        advice = last(sb, SOL.id)
        assert advice.startswith("Dígaselo hoy al médico que le recetó el antibiótico. No deje ni cambie ningún")
        assert "Su equipo médico lee este chat lun-vie 08:00-17:00 (Europe/Berlin)." in advice
        assert "en una emergencia, llame al 112" in advice


def test_the_operator_sets_shows_and_clears_the_hours(ready_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "team", "hours", "--team", "Neuro clinic", "Mon-Fri 08:00-17:00", "--json")
    assert code == 0, err
    assert out.strip() == '{"team": "Neuro clinic", "hours": "Mon-Fri 08:00-17:00", "timezone": "Europe/Berlin"}'
    code, out, err = cli(capsys, "team", "hours", "--team", "Neuro clinic", "8-17")
    assert code != 0 and "write the reading hours like" in err and "Traceback" not in err
    code, out, err = cli(capsys, "team", "hours", "--team", "Neuro clinic")
    assert code == 0 and "hours: Mon-Fri 08:00-17:00" in out
    code, out, err = cli(capsys, "team", "hours", "--team", "Neuro clinic", "off")
    assert code == 0 and "hours: None" in out
    assert [t.hours for t in rows(ready_db, Team)] == [None, None]
    changes = [(a.actor, a.detail) for a in rows(ready_db, AuditEvent) if a.action == "team.hours"]
    assert changes == [
        ("cli", {"before": None, "after": "Mon-Fri 08:00-17:00"}),
        ("cli", {"before": "Mon-Fri 08:00-17:00", "after": None}),
    ]
