"""Issue 13, "Clinicians can find their tools": command menus by role (what the Bot API stand-in recorded),
/help and /start by role, refusals that say what is wrong, and the BotFather list from the one table."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.command_table import PATIENT, TEAM, botfather_list, commands
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import EN
from services import enrolment, operator
from tests.helpers import CLINICIAN, TTL, enrol, forbid, invite, team_with_member

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
GROUP = -100700
PATIENT_USER = VirtualUser(2001, "Wilhelmina")
COLLEAGUE = VirtualUser(1002, "Dr Second")
REPO = Path(__file__).resolve().parents[1]


def _field(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    return json.loads(value) if isinstance(value, str) else value


def menus(sb: Sandbox, chat: int) -> list[tuple[str, list[str] | None]]:
    """Every menu call for `chat`'s own scope, in order: ("set", command names) or ("delete", None)."""
    out: list[tuple[str, list[str] | None]] = []
    for call in sb.api.calls:
        if call.method not in ("setMyCommands", "deleteMyCommands"):
            continue
        scope = _field(call.params, "scope") or {}
        if scope.get("type") == "chat" and int(scope.get("chat_id")) == chat:
            names = [c["command"] for c in _field(call.params, "commands")] if call.method == "setMyCommands" else None
            out.append(("set" if names is not None else "delete", names))
    return out


async def last_text(sb: Sandbox, user: VirtualUser, text: str, chat: int | None = None) -> str:
    await sb.send(sb.users.text(user, text, chat_id=chat))
    last = sb.api.last_to(chat or user.id)
    assert last is not None
    return last.text or ""


def test_the_botfather_list_in_deploy_readme_is_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["commands"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == botfather_list(PATIENT)
    readme = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"`/setcommands`.*?```text\n(.*?)\n\s*```", readme, flags=re.S)
    assert block is not None, "deploy/README.md: the /setcommands list is gone"
    assert [line.strip() for line in block.group(1).splitlines()] == printed.splitlines()
    for command in commands(PATIENT) + commands(TEAM) + commands(TEAM, group=True):
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.name) and 3 <= len(EN[command.key]) <= 256
    assert main(["commands", "--team"]) == 0
    assert "ack - Acknowledge a flag" in capsys.readouterr().out


async def test_a_member_gets_the_team_menu_on_joining_and_loses_it_on_removal(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        issued = await enrolment.new_join_link(sb.services.sessions, team_name="Neuro clinic", now=sb.clock(), ttl=TTL)
        forbid(issued.token)
        await sb.send(sb.users.text(COLLEAGUE, f"/start {issued.token}"))
        await sb.run_for(timedelta(minutes=1))
        private_team = [c.name for c in commands(TEAM)]
        assert menus(sb, CLINICIAN.id) == [("set", private_team)]
        assert menus(sb, COLLEAGUE.id) == [("set", private_team)]
        assert "ack" in private_team and "enrol" in private_team and "team_chat" not in private_team
        await operator.remove_member(sb.services.sessions, team_name="Neuro clinic", spec="1002", now=sb.clock())
        await sb.run_for(timedelta(minutes=1))
        assert menus(sb, COLLEAGUE.id) == [("set", private_team), ("delete", None)]  # back to the patients' menu
        assert menus(sb, CLINICIAN.id) == [("set", private_team)]
        sb.api.add_group(GROUP, "Neuro team")
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        await sb.run_for(timedelta(minutes=1))
        group_menu = [c.name for c in commands(TEAM, group=True)]
        assert menus(sb, GROUP) == [("set", group_menu)]
        assert "team_chat" in group_menu and "enrol" not in group_menu
        assert sb.api.refusals == 0


async def test_help_and_start_answer_by_role(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        for text in ("/help", "/start"):
            answer = await last_text(sb, CLINICIAN, text)
            assert answer.startswith("Care team commands (Neuro clinic):"), answer
            assert "/ack: Acknowledge a flag: /ack 12" in answer and "/patients: " in answer
            assert "open the link your care team gave you" not in answer and "/delete_my_data" not in answer
        await enrol(sb, PATIENT_USER, await invite(sb, start=date(2026, 10, 6)))
        answer = await last_text(sb, PATIENT_USER, "/help")
        assert "/status: your next dose" in answer and "/ack" not in answer
        stranger = VirtualUser(3003, "Someone")
        assert "open the link your care team gave you" in await last_text(sb, stranger, "/start")
        sb.api.add_group(GROUP, "Neuro team")
        assert "run /team_chat here first" in await last_text(sb, CLINICIAN, "/help", GROUP)
        await sb.send(sb.users.text_in_group(CLINICIAN, GROUP, "/team_chat"))
        in_group = await last_text(sb, CLINICIAN, "/help", GROUP)
        assert "/team_chat: " in in_group and "/enrol" not in in_group


async def test_refusals_say_what_is_wrong_and_aliases_ignore_case(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb:
        await team_with_member(sb)
        await invite(sb, alias="SIM-003", start=date(2026, 10, 6))
        assert "no open flag #999" in await last_text(sb, CLINICIAN, "/ack 999")
        sb.api.add_group(GROUP, "Neuro team")
        for text in ("/patients", "/patient SIM-003", "/ack 999"):
            assert "run /team_chat here first" in await last_text(sb, CLINICIAN, text, GROUP), text
        await last_text(sb, CLINICIAN, "/patient sim-003")
        view = sb.api.sent_to(CLINICIAN.id)[-2].text or ""  # the view, then its chart
        assert view.startswith("Patient SIM-003 (Neuro clinic)"), view
        answer = await last_text(sb, CLINICIAN, "/pause_patient sim-003")
        assert "No patient" not in answer, answer
        stranger = VirtualUser(3003, "Someone")
        sb.api.add_private_chat(stranger.as_json())
        assert await last_text(sb, stranger, "/ack 999") == EN["flag_refused"]  # an outsider learns nothing
