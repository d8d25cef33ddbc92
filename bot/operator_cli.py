"""The operator's commands about members, patients and invites (issue 12); parsed in bot.cli, run here.

`team list`, `team members [--admin M]`, `team remove-member`, `team hours`, `patient list`, `invite revoke`.
Lists print one line per row (or a JSON array with --json); a change prints what it did (or a JSON object).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from bot.output import emit
from services import operator, team_hours
from storage.engine import Sessions

ACTIONS = frozenset(
    {
        ("team", "list"),
        ("team", "members"),
        ("team", "remove-member"),
        ("team", "settings"),
        ("team", "hours"),
        ("patient", "list"),
        ("invite", "revoke"),
    }
)


def add_parsers(team: Any, patient: Any, sub: Any) -> None:
    """The subcommands, on bot.cli's `team` and `patient` subparsers and its top level."""
    listing = team.add_parser("list", help="the care teams: members, enrolled patients, alert group set")
    listing.add_argument("--json", action="store_true")
    roster = team.add_parser("members", help="a team's members (removed ones too), with their role")
    roster.add_argument("--team", required=True)
    roster.add_argument("--admin", metavar="MEMBER", help="first name this member (user id or @username) an admin")
    roster.add_argument("--json", action="store_true")
    remove = team.add_parser("remove-member", help="remove a clinician: no more access, alerts or digests")
    remove.add_argument("--team", required=True)
    remove.add_argument("--member", required=True, help="Telegram user id or @username (see `team members`)")
    remove.add_argument("--json", action="store_true")
    settings = team.add_parser("settings", help="a team's settings: language of its messages, empty digest")
    settings.add_argument("--team", required=True)
    settings.add_argument("--language", help="the language of the team's messages: en, es or ru")
    settings.add_argument(
        "--empty-digest", help="a day with nothing new: short (one line, the default) or quiet (no message)"
    )
    settings.add_argument("--json", action="store_true")
    hours = team.add_parser("hours", help="when the team reads messages (shown to patients); off clears them")
    hours.add_argument("--team", required=True)
    hours.add_argument("hours", nargs="?", help='e.g. "Mon-Fri 08:00-17:00" or off; none: show them')
    hours.add_argument("--json", action="store_true")
    patients = patient.add_parser("list", help="a team's patients by alias, with their status (no Telegram ids)")
    patients.add_argument("--team", required=True)
    patients.add_argument("--json", action="store_true")
    invite = sub.add_parser("invite", help="patient invite links").add_subparsers(dest="action", required=True)
    revoke = invite.add_parser("revoke", help="end a patient's open invite link at once")
    revoke.add_argument("--alias", required=True)
    revoke.add_argument("--team", help="needed when the alias is used in several teams")
    revoke.add_argument("--json", action="store_true")


def _table(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(rows, default=str))
        return
    for row in rows:
        print("  ".join(f"{key}={value}" for key, value in row.items()))
    if not rows:
        print("(none)")


async def run(args: argparse.Namespace, sessions: Sessions, *, now: datetime) -> int:

    key = (args.command, args.action)
    if key == ("team", "list"):
        _table(await operator.team_list(sessions), args.json)
    elif key == ("team", "members"):
        _table(await operator.team_members(sessions, team_name=args.team, admin=args.admin, now=now), args.json)
    elif key == ("team", "remove-member"):
        emit(await operator.remove_member(sessions, team_name=args.team, spec=args.member, now=now), args.json)
    elif key == ("team", "settings"):
        from services import team_settings

        changed = await team_settings.change_by_name(
            sessions, team_name=args.team, language=args.language, empty_digest=args.empty_digest, now=now
        )
        emit(changed, args.json)
    elif key == ("team", "hours"):
        emit(await team_hours.for_operator(sessions, team_name=args.team, text=args.hours, now=now), args.json)
    elif key == ("patient", "list"):
        _table(await operator.patient_list(sessions, team_name=args.team), args.json)
    else:
        emit(await operator.invite_revoke(sessions, alias=args.alias, team_name=args.team, now=now), args.json)
    return 0
