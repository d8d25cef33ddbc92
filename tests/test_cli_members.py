"""The operator's commands of issue 12 through the CLI entry point (`bot.cli.main`): team list, team members
(--admin), team remove-member, patient list, invite revoke. Every change is audited with actor "cli"."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from services import consent
from storage.engine import make_engine, make_sessions
from storage.models import AuditEvent, Invite, Patient, TeamMember
from tests import test_cli
from tests.test_cli import LINK_RE, cli, invite_args, rows

# test_cli's fixtures, used here too: a database with "Neuro clinic" (member 1001, patient MK-17) and "Empty team"
clean_env, template_db, ready_db = test_cli.clean_env, test_cli.template_db, test_cli.ready_db

SECOND = 1002


async def _open(url: str, token: str, user_id: int, username: str | None = None) -> str:
    engine = make_engine(url)
    try:
        result = await consent.open_link(
            make_sessions(engine),
            token=token,
            chat_id=user_id,
            user_id=user_id,
            now=datetime.now(UTC),
            username=username,
        )
    finally:
        await engine.dispose()
    return result.kind


def open_link(url: str, link: str, user_id: int, username: str | None = None) -> str:
    match = LINK_RE.match(link)
    assert match, link
    return asyncio.run(_open(url, match.group(1), user_id, username))


def second_member(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "team", "join-link", "--team", "Neuro clinic", "--json")
    assert code == 0, err
    assert open_link(url, json.loads(out)["join_link"], SECOND, "Dr_Second") == "member_joined"


def test_team_list_and_members_with_an_admin_named_by_username(
    ready_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    second_member(ready_db, capsys)
    code, out, err = cli(capsys, "team", "list", "--json")
    assert code == 0, err
    assert json.loads(out) == [
        {"team": "Empty team", "timezone": "Europe/Berlin", "digest_time": "08:00", "members": 0,
         "patients_enrolled": 0, "alert_group": False},
        {"team": "Neuro clinic", "timezone": "Europe/Berlin", "digest_time": "08:00", "members": 2,
         "patients_enrolled": 0, "alert_group": False},
    ]  # fmt: skip
    code, out, err = cli(capsys, "team", "members", "--team", "Neuro clinic", "--json")
    assert code == 0, err
    listed = [(m["telegram_user_id"], m["username"], m["role"], m["status"]) for m in json.loads(out)]
    assert listed == [(1001, None, "admin", "active"), (SECOND, "Dr_Second", "clinician", "active")]
    code, out, err = cli(capsys, "team", "members", "--team", "Neuro clinic", "--admin", "@dr_second")
    assert code == 0, err
    assert "telegram_user_id=1002  username=Dr_Second  role=admin  status=active" in out
    code, out, err = cli(capsys, "team", "members", "--team", "Neuro clinic", "--admin", "Dr Second")
    assert code == 2 and "not a member: give a Telegram user id (digits) or an @username" in err
    audit = [(a.action, a.actor, (a.detail or {}).get("member")) for a in rows(ready_db, AuditEvent)]
    assert audit[-1] == ("team.admin", "cli", SECOND)


def test_remove_member_then_the_member_is_refused_and_listed_as_removed(
    ready_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    second_member(ready_db, capsys)
    code, out, err = cli(capsys, "team", "remove-member", "--team", "Neuro clinic", "--member", "1002", "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "team": "Neuro clinic", "removed": "@Dr_Second", "telegram_user_id": SECOND, "members_left": 1,
        "admins_left": 1,
    }  # fmt: skip
    code, out, err = cli(capsys, "team", "members", "--team", "Neuro clinic")
    assert "telegram_user_id=1002  username=Dr_Second  role=clinician  status=removed" in out
    code, _, err = cli(capsys, "team", "remove-member", "--team", "Neuro clinic", "--member", "@dr_second")
    assert code == 2 and "'@dr_second' was already removed from 'Neuro clinic'" in err
    code, _, err = cli(capsys, "team", "remove-member", "--team", "Neuro clinic", "--member", "4242")
    assert code == 2 and "'4242' is not a member of 'Neuro clinic'" in err
    code, _, err = cli(capsys, "team", "remove-member", "--team", "Nowhere", "--member", "1002")
    assert code == 2 and "no team named 'Nowhere'" in err
    # the removed clinician can no longer invite in their own name
    code, _, err = cli(capsys, *invite_args(alias="MK-30", clinician=str(SECOND)))
    assert code == 2 and "Telegram user 1002 is not an active member of 'Neuro clinic'" in err
    member = next(m for m in rows(ready_db, TeamMember) if m.telegram_user_id == SECOND)
    assert (member.active, member.role) == (False, "clinician")
    removed = [a for a in rows(ready_db, AuditEvent) if a.action == "team.member_remove"]
    assert [(a.actor, a.subject, a.detail) for a in removed] == [("cli", "team:1", {"member": SECOND})]


def test_patient_list_and_invite_revoke(ready_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, *invite_args(alias="MK-20"), "--json")
    assert code == 0, err
    link = json.loads(out)["invite_link"]
    code, out, err = cli(capsys, "patient", "list", "--team", "Neuro clinic", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(p["alias"], p["status"], p["consented"]) for p in listed] == [
        ("MK-17", "invited", False),
        ("MK-20", "invited", False),
    ]
    assert all("chat" not in key and "telegram" not in key for p in listed for key in p)
    code, out, err = cli(capsys, "invite", "revoke", "--alias", "MK-20", "--json")
    assert code == 0, err
    assert json.loads(out) == {"team": "Neuro clinic", "patient": "MK-20", "revoked": 1, "status": "revoked"}
    assert open_link(ready_db, link, 2001) == "expired"  # the link no longer works
    code, _, err = cli(capsys, "invite", "revoke", "--alias", "MK-20")
    assert code == 2 and "has no open invite link" in err
    code, _, err = cli(capsys, "invite", "revoke", "--alias", "ZZ-99")
    assert code == 2 and "no patient with the alias 'ZZ-99'" in err
    code, out, _ = cli(capsys, "patient", "list", "--team", "Neuro clinic")
    assert "alias=MK-20  status=revoked" in out
    patient = next(p for p in rows(ready_db, Patient) if p.alias == "MK-20")
    invites = [i for i in rows(ready_db, Invite) if i.patient_id == patient.id]
    assert [i.outcome for i in invites] == ["revoked"]
    revoked = [a for a in rows(ready_db, AuditEvent) if a.action == "invite.revoke"]
    assert [(a.actor, a.subject) for a in revoked] == [("cli", f"patient:{patient.id}")]


def test_invite_revoke_needs_the_team_when_the_alias_is_in_two(
    ready_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "team", "join-link", "--team", "Empty team", "--json")
    assert open_link(ready_db, json.loads(out)["join_link"], 1003) == "member_joined"
    code, _, err = cli(capsys, *invite_args(alias="MK-17", team="Empty team"))
    assert code == 0, err
    code, _, err = cli(capsys, "invite", "revoke", "--alias", "MK-17")
    assert code == 2 and "used in several teams (Empty team, Neuro clinic): add --team" in err
    code, out, err = cli(capsys, "invite", "revoke", "--alias", "MK-17", "--team", "Empty team")
    assert code == 0 and "team: Empty team" in out


def test_team_settings_change_the_language_and_the_empty_digest_audited(
    ready_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: `b12bot team settings` (the CLI side of /team_language and /team_digest)."""
    code, out, err = cli(capsys, "team", "settings", "--team", "Neuro clinic", "--json")
    assert code == 0, err
    assert json.loads(out) == {"team": "Neuro clinic", "language": "en", "empty_digest": "short"}
    code, out, err = cli(
        capsys, "team", "settings", "--team", "Neuro clinic", "--language", "es-MX", "--empty-digest", "Quiet", "--json"
    )
    assert code == 0, err
    assert json.loads(out) == {"team": "Neuro clinic", "language": "es", "empty_digest": "quiet"}
    code, out, err = cli(capsys, "team", "settings", "--team", "Neuro clinic", "--language", "de")
    assert code != 0 and "'de' is not a language the bot speaks: use one of en, es, ru" in err + out
    changes = [(a.actor, a.action, a.detail) for a in rows(ready_db, AuditEvent) if a.action.startswith("team.")]
    assert ("cli", "team.language", {"from": "en", "to": "es"}) in changes
    assert ("cli", "team.empty_digest", {"from": "short", "to": "quiet"}) in changes
